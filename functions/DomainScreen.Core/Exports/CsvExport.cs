using System.Globalization;
using System.Text;
using DomainScreen.Core.Actions;

namespace DomainScreen.Core.Exports;

/// <summary>The actions as CSV (RFC 4180): one row per action that reached a partner.</summary>
public static class CsvExport
{
    public const string Header = "domain,displayName,action,scope,categories,caseId,approvedAt,approver,partner,state,actionId";

    public static string Write(IEnumerable<PartnerAction> actions)
    {
        var sb = new StringBuilder(Header).Append("\r\n");
        foreach (var a in actions.OrderBy(a => a.CreatedAt).ThenBy(a => a.ActionId, StringComparer.Ordinal))
        {
            string[] fields = [a.Domain, a.DisplayName, a.Kind, a.Scope, string.Join(";", a.Categories), a.CaseId,
                a.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), string.Join(";", a.ApprovedBy), a.PartnerId, a.State, a.ActionId];
            sb.AppendJoin(',', fields.Select(Quote)).Append("\r\n");
        }
        return sb.ToString();
    }

    // Quoted when needed; a leading = + - @ is prefixed with ' so a spreadsheet does not run it as a formula.
    private static string Quote(string field)
    {
        if (field.Length > 0 && field[0] is '=' or '+' or '-' or '@') field = "'" + field;
        return field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }
}
