using DomainScreen.Core.Sweeps;

namespace DomainScreen.Core.Tests.Sweeps;

public sealed class SweepScheduleTests
{
    [Fact]
    public void DefaultSchedule_Is0200Shanghai()
    {
        var occurrence = SweepService.ScheduledOccurrence(SweepOptions.DefaultSchedule, new DateTimeOffset(2026, 11, 25, 18, 0, 3, TimeSpan.Zero));
        var shanghai = occurrence.ToOffset(TimeSpan.FromHours(8));

        Assert.Equal((2, 0), (shanghai.Hour, shanghai.Minute));
        Assert.Equal(26, shanghai.Day);
    }

    [Fact]
    public void ScheduledOccurrence_LateOrEarlyFiring_MapsToSameOccurrence()
    {
        var late = SweepService.ScheduledOccurrence("0 0 18 * * *", new DateTimeOffset(2026, 11, 25, 18, 0, 40, TimeSpan.Zero));
        var early = SweepService.ScheduledOccurrence("0 0 18 * * *", new DateTimeOffset(2026, 11, 25, 17, 59, 30, TimeSpan.Zero));

        Assert.Equal(late, early);
    }

    [Theory]
    [InlineData("0 0 18 * * *", true)]
    [InlineData("*/5 * * * *", true)]
    [InlineData("every night", false)]
    [InlineData("0 0 25 * * *", false)]
    public void Validate_ChecksNcrontab(string schedule, bool valid)
    {
        var options = new SweepOptions { Schedule = schedule };

        Assert.Equal(valid, !options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Any());
    }
}
