namespace DomainScreen.Core.Sweeps;

/// <summary>Settings under <c>Sweep</c>.</summary>
public sealed class SweepOptions : System.ComponentModel.DataAnnotations.IValidatableObject
{
    public const string Section = "Sweep";

    /// <summary>
    /// NCRONTAB schedule (six fields, UTC) of the nightly sweep. Default <c>0 0 18 * * *</c>: 18:00 UTC, which is
    /// 02:00 in Asia/Shanghai (UTC+8, no daylight saving). The timer trigger reads the setting <c>Sweep:Schedule</c>
    /// (<c>Sweep__Schedule</c> in app settings) directly.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Required]
    public string Schedule { get; set; } = DefaultSchedule;

    public const string DefaultSchedule = "0 0 18 * * *";

    /// <summary>
    /// Sweeps in a row in which a watched host is gone (NXDOMAIN or no web answer) before its case is closed as
    /// <c>gone</c>. Default 3.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100)]
    public int GoneAfter { get; set; } = 3;

    public IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> Validate(System.ComponentModel.DataAnnotations.ValidationContext validationContext)
    {
        var fields = Schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        string? error = null;
        try
        {
            Cronos.CronExpression.Parse(Schedule, fields == 6 ? Cronos.CronFormat.IncludeSeconds : Cronos.CronFormat.Standard);
        }
        catch (Cronos.CronFormatException ex)
        {
            error = ex.Message;
        }
        if (error is not null || fields is not (5 or 6))
        {
            yield return new System.ComponentModel.DataAnnotations.ValidationResult(
                $"Sweep:Schedule '{Schedule}' is not an NCRONTAB expression (six fields: second minute hour day month weekday): {error}", [nameof(Schedule)]);
        }
    }
}
