using System.Text.RegularExpressions;
using MeteringConsole.Common;
using MeteringConsole.Domain;

namespace MeteringConsole.Features.Sample;

internal sealed record SampleUnitType(string Name, string Description, Aggregation Aggregation, bool AutoProvision,
    decimal BaseRate, decimal OverageRate, string FilterPattern);

internal sealed record SampleSuppression(string Pattern, SuppressionType Type, string Reason, int CreatedDaysAgo, long HitCount,
    double? LastHitHoursAgo);

internal sealed record SampleUser(string Email, string Role, int CreatedDaysAgo);

/// <summary>The fixed vocabulary of the sample: sources, unit types and their prices, rules, users.</summary>
internal static class SampleCatalog
{
    public const string VMware = "vmware";
    public const string Aws = "aws";
    public const string M365 = "m365";
    public const string Veeam = "veeam";

    public const string VcpuHours = "vcpu-hours";
    public const string GbMonth = "gb-month";
    public const string RamGb = "ram-gb";
    public const string Seats = "seats";
    public const string BackupJobs = "backup-jobs";
    public const string EgressGb = "egress-gb";

    /// <summary>Documented in the README: the sample is a demo, never a production database.</summary>
    public const string DemoPassword = "Demo-Password-1";

    public static readonly string[] SourceTypes = { VMware, Aws, M365, Veeam };

    public static readonly SampleUnitType[] UnitTypes =
    {
        new(VcpuHours, "Virtual CPU hours: vCPUs allocated × hours powered on.", Aggregation.Sum, true, 0.0125m, 0.0160m, ""),
        new(GbMonth, "Provisioned or used storage in GB; the month's high-water mark is billed.", Aggregation.Max, true, 0.08m, 0.10m, "vol-*"),
        new(RamGb, "Memory allocated in GB, averaged over the period.", Aggregation.Avg, false, 4.50m, 5.40m, ""),
        new(Seats, "Assigned licences in a licence pool at the end of the period.", Aggregation.Last, true, 21.00m, 24.50m, "*/SPE_E*"),
        new(BackupJobs, "Backup job runs (each reading is one run; its value is the GB processed).", Aggregation.Count, false, 0.40m, 0.55m, ""),
        new(EgressGb, "Data transferred out to the internet, in GB.", Aggregation.Sum, false, 0.07m, 0.09m, ""),
    };

    /// <summary>What a bucket over this source and unit type is called on the client's card.</summary>
    public static string BucketName(string source, string unitType) => (source, unitType) switch
    {
        (VMware, VcpuHours) => "VMware vCPU hours",
        (VMware, RamGb) => "VMware memory",
        (Aws, VcpuHours) => "EC2 vCPU hours",
        (Aws, EgressGb) => "AWS data transfer out",
        (Aws, GbMonth) => "EBS storage",
        (M365, Seats) => "Microsoft 365 licences",
        (Veeam, BackupJobs) => "Veeam backup jobs",
        (Veeam, GbMonth) => "Veeam repository storage",
        _ => $"{source} {unitType}",
    };

    /// <summary>The ingest key each source's collector sends with.</summary>
    public static readonly (string Source, string KeyName)[] Collectors =
    {
        (VMware, "vcenter-collector"), (Aws, "aws-cur-importer"), (M365, "m365-graph-sync"), (Veeam, "veeam-em-collector"),
    };

    /// <summary>None of these may match a generated asset: suppressed events never create one.</summary>
    public static readonly SampleSuppression[] Suppressions =
    {
        new("vCLS-*", SuppressionType.Glob, "vSphere Cluster Services agent VMs: cluster infrastructure, never billable.", 412, 38_880, 0.3),
        new("*_replica", SuppressionType.Glob, "Veeam replica VMs seen by vCenter; the protected VM is billed already.", 230, 6_214, 7.6),
        new("^(ci|build)-runner-[0-9a-f]{6}$", SuppressionType.Regex, "Ephemeral CI runners; billed through the pipeline contract.", 96, 17_502, 1.2),
        new("i-0b7c2e9f4a1d35e68", SuppressionType.Exact, "Terminated instance replayed by the CUR importer after the account move (OPS-2291).", 61, 184, 1_020),
        new("*/DEVELOPERPACK_E5", SuppressionType.Glob, "Microsoft 365 Developer Program licences are free of charge.", 150, 1_337, 11.9),
        new("tmpl-win2016-legacy", SuppressionType.Exact, "Retired template kept for restores only.", 33, 0, null),
    };

    public static readonly SampleUser[] Users =
    {
        new("admin@example.com", Roles.Admin, 540),
        new("operator@example.com", Roles.Operator, 320),
        new("viewer@example.com", Roles.Viewer, 75),
    };

    /// <summary>The console's glob: <c>*</c> and <c>?</c>, whole string, ignoring case.</summary>
    public static bool GlobMatches(string pattern, string text)
        => pattern.Length == 0
           || Regex.IsMatch(text, "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.IgnoreCase);

    public static bool Suppressed(SampleSuppression rule, string externalId, string name) => rule.Type switch
    {
        SuppressionType.Exact => rule.Pattern == externalId || rule.Pattern == name,
        SuppressionType.Glob => GlobMatches(rule.Pattern, externalId) || GlobMatches(rule.Pattern, name),
        _ => Regex.IsMatch(externalId, rule.Pattern) || Regex.IsMatch(name, rule.Pattern),
    };
}
