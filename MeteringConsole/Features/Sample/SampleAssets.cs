using Bogus;
using static MeteringConsole.Features.Sample.SampleCatalog;

namespace MeteringConsole.Features.Sample;

/// <summary>Where a client's assets live: its server prefix, AWS account and region, Microsoft 365 tenant.</summary>
internal sealed record AssetOwner(int? Client, string Code, string Domain, string Region, string Account, string Tenant, bool BillsRam);

/// <summary>
/// Makes assets with the external ids and names each source really uses: vCenter instance UUIDs and
/// host names, EC2 instance, volume and NAT gateway ids, tenant/SKU licence pools, Veeam job GUIDs.
/// </summary>
internal sealed class SampleAssets
{
    private static readonly (string Role, int Vcpus, int RamGb, bool Windows)[] VmRoles =
    {
        ("dc", 2, 4, true), ("sql", 8, 32, true), ("web", 2, 8, false), ("app", 4, 16, false), ("file", 2, 8, true),
        ("rds", 8, 64, true), ("erp", 8, 32, true), ("print", 1, 4, true), ("mon", 2, 4, false), ("exch", 4, 24, true),
        ("crm", 4, 16, true), ("dev", 4, 8, false),
    };
    private static readonly string[] WindowsOs = { "Windows Server 2022", "Windows Server 2019" };
    private static readonly string[] LinuxOs = { "Ubuntu 22.04 LTS", "RHEL 9", "Debian 12" };
    private static readonly (string Type, int Vcpus)[] InstanceTypes =
    {
        ("t3.medium", 2), ("t3.large", 2), ("m6i.large", 2), ("m6i.xlarge", 4), ("m6i.2xlarge", 8), ("c6i.2xlarge", 8),
        ("r6i.xlarge", 4), ("c6i.4xlarge", 16),
    };
    private static readonly string[] InstanceRoles = { "api", "web", "worker", "etl", "bastion", "kafka", "redis", "search" };
    private static readonly (string Sku, string Label, int MinSeats, int MaxSeats)[] Skus =
    {
        ("SPE_E3", "Microsoft 365 E3", 20, 400), ("SPE_E5", "Microsoft 365 E5", 5, 60), ("SPB", "Microsoft 365 Business Premium", 10, 150),
        ("O365_BUSINESS_ESSENTIALS", "Microsoft 365 Business Basic", 10, 200), ("EXCHANGESTANDARD", "Exchange Online (Plan 1)", 5, 80),
        ("POWER_BI_PRO", "Power BI Pro", 3, 40), ("VISIOCLIENT", "Visio Plan 2", 2, 15),
    };
    private static readonly (string Name, int RunsPerDay)[] Jobs =
    {
        ("SQL nightly", 1), ("File servers", 1), ("Domain controllers", 1), ("Exchange", 1), ("ERP", 1), ("Web tier", 1),
        ("Critical VMs 12h", 2), ("SQL logs 6h", 4),
    };
    public static readonly string[] Regions = { "eu-west-1", "eu-central-1", "us-east-1", "us-west-2" };

    private readonly Faker _f;
    private readonly HashSet<string> _ids = new();
    private readonly Dictionary<string, int> _serials = new();

    public SampleAssets(Faker f) => _f = f;

    public SampleAsset VirtualMachine(AssetOwner owner, string? name = null, bool poweredOff = false)
    {
        var (role, vcpus, ram, windows) = _f.PickRandom(VmRoles);
        name ??= $"{owner.Code}-{role}-{Serial(owner.Code + role):00}";
        var os = _f.PickRandom(windows ? WindowsOs : LinuxOs);
        return New(owner, AssetKind.VirtualMachine, VMware, "50" + _f.Random.Uuid().ToString()[2..], name,
            $"{os} · {vcpus} vCPU · {ram} GB RAM · cl-prod-0{_f.Random.Int(1, 3)}",
            owner.BillsRam ? new[] { VcpuHours, RamGb } : new[] { VcpuHours },
            new UsageShape(vcpus, ram, ChangeDay: Resize(0.08f), OfficeHours: role == "dev" || _f.Random.Bool(0.05f), PoweredOff: poweredOff));
    }

    public SampleAsset Ec2Instance(AssetOwner owner, string? env = null)
    {
        var (type, vcpus) = _f.PickRandom(InstanceTypes);
        var role = _f.PickRandom(InstanceRoles);
        env ??= _f.Random.Bool(0.75f) ? "prod" : "stg";
        return New(owner, AssetKind.Ec2Instance, Aws, "i-0" + Hex(16), $"{owner.Code}-{role}-{env}-{Serial(owner.Code + role + env)}",
            $"{type} · {owner.Region} · account {owner.Account}", new[] { VcpuHours },
            new UsageShape(vcpus, Autoscaled: role is "worker" or "etl"));
    }

    public SampleAsset NatGateway(AssetOwner owner)
    {
        var az = (char)('a' + Serial(owner.Code + "nat") - 1);
        return New(owner, AssetKind.NatGateway, Aws, "nat-0" + Hex(16), $"{owner.Code}-prod-nat-{owner.Region}{az}",
            $"NAT gateway, data transfer out · {owner.Region} · account {owner.Account}", new[] { EgressGb },
            new UsageShape(Math.Round(Math.Exp(_f.Random.Double(1.5, 6)), 1), Growth: _f.Random.Double(-0.002, 0.006)));
    }

    public SampleAsset EbsVolume(AssetOwner owner)
    {
        var size = _f.PickRandom(100, 200, 250, 500, 1000, 2000);
        var role = _f.PickRandom("db", "app", "logs", "search", "kafka");
        return New(owner, AssetKind.EbsVolume, Aws, "vol-0" + Hex(16), $"{owner.Code}-{role}-data-{Serial(owner.Code + "vol" + role)}",
            $"gp3 · {size} GiB · {owner.Region}", new[] { GbMonth }, new UsageShape(size, ChangeDay: Resize(0.1f)));
    }

    /// <summary>One pool per SKU and tenant; null when the tenant already has every SKU.</summary>
    public SampleAsset? LicencePool(AssetOwner owner)
    {
        var free = Skus.Where(s => !_ids.Contains($"{owner.Tenant}/{s.Sku}")).ToList();
        if (free.Count == 0) return null;
        var (sku, label, min, max) = _f.PickRandom(free);
        return New(owner, AssetKind.LicencePool, M365, $"{owner.Tenant}/{sku}", $"{label} ({owner.Domain})",
            $"Licence pool in tenant {owner.Tenant}", new[] { Seats },
            new UsageShape(_f.Random.Int(min, max), Growth: _f.Random.Double(-0.15, 0.35)));
    }

    public SampleAsset BackupJob(AssetOwner owner, string? name = null)
    {
        var (job, runs) = _f.PickRandom(Jobs);
        var n = Serial(owner.Code + job);
        name ??= $"{owner.Code.ToUpperInvariant()} - {job}{(n > 1 ? $" {n}" : "")}";
        var gb = runs == 1 ? _f.Random.Int(20, 900) : _f.Random.Int(2, 40);
        return New(owner, AssetKind.BackupJob, Veeam, _f.Random.Uuid().ToString(), name,
            $"Backup job on vbr01.{owner.Domain} · {_f.PickRandom(14, 30, 60)} restore points", new[] { BackupJobs },
            new UsageShape(gb, RunsPerDay: runs));
    }

    public SampleAsset BackupRepository(AssetOwner owner)
        => New(owner, AssetKind.BackupRepository, Veeam, _f.Random.Uuid().ToString(),
            $"{owner.Code.ToUpperInvariant()}-SOBR-{Serial(owner.Code + "sobr"):00}",
            $"Scale-out backup repository, performance tier at vbr01.{owner.Domain}", new[] { GbMonth },
            new UsageShape(_f.Random.Int(2_000, 40_000), Growth: _f.Random.Double(0.0005, 0.004)));

    /// <summary>A tenant id, AWS account and region for a new owner.</summary>
    public AssetOwner Owner(int? client, string code, string domain, bool billsRam)
        => new(client, code, domain, _f.PickRandom(Regions), _f.Random.ReplaceNumbers("############"), _f.Random.Uuid().ToString(), billsRam);

    private SampleAsset New(AssetOwner owner, AssetKind kind, string source, string externalId, string name, string description,
        string[] unitTypes, UsageShape usage)
    {
        if (!_ids.Add(externalId)) throw new InvalidOperationException($"Sample external id {externalId} repeated.");
        return new SampleAsset
        {
            Kind = kind, Source = source, ExternalId = externalId, Name = name, Description = description,
            UnitTypes = unitTypes, Usage = usage, Client = owner.Client,
        };
    }

    private int Resize(float chance) => _f.Random.Bool(chance) ? _f.Random.Int(10, SampleWindow.Days - 5) : int.MaxValue;

    private string Hex(int length) => _f.Random.Hexadecimal(length, "");

    private int Serial(string key) => _serials[key] = _serials.GetValueOrDefault(key) + 1;
}
