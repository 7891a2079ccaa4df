using Bogus;

namespace MeteringConsole.Features.Sample;

/// <summary>
/// Decides who has which assets and how each lives through the window, so every view of the
/// console has something in it: new, unassigned, unbound, disregarded, decommissioned and silent assets.
/// </summary>
internal static class SampleEstate
{
    public static List<SampleAsset> Create(Faker f, IReadOnlyList<SampleClient> clients)
    {
        var make = new SampleAssets(f);
        var assets = new List<SampleAsset>();
        var profiles = f.Random.Shuffle(Profiles.SelectMany(p => Enumerable.Repeat(p.Profile, p.Clients))).ToList();
        for (var i = 0; i < clients.Count; i++) assets.AddRange(ClientAssets(f, make, i, clients[i], profiles[i]));
        assets.AddRange(ProviderAssets(make));
        assets.AddRange(UnknownAssets(f, make));
        ShapeLifecycles(f, clients, assets);
        return assets;
    }

    /// <summary>What a client buys from the provider; each client gets one, in these proportions.</summary>
    private enum Profile { Microsoft365, PrivateCloud, PrivateCloudAnd365, Aws, Hybrid }

    private static readonly (Profile Profile, int Clients)[] Profiles =
    {
        (Profile.Microsoft365, 5), (Profile.PrivateCloud, 11), (Profile.PrivateCloudAnd365, 7), (Profile.Aws, 7), (Profile.Hybrid, 4),
    };

    public static int ClientCount => Profiles.Sum(p => p.Clients);

    private static IEnumerable<SampleAsset> ClientAssets(Faker f, SampleAssets make, int index, SampleClient client, Profile profile)
    {
        var owner = make.Owner(index, client.Code, client.Domain, billsRam: f.Random.Bool(0.4f));
        var (vms, instances, pools, jobs) = profile switch
        {
            Profile.Microsoft365 => (0, 0, f.Random.Int(2, 6), 0),
            Profile.PrivateCloud => (f.Random.Int(6, 13), 0, 0, f.Random.Bool(0.85f) ? f.Random.Int(3, 8) : 0),
            Profile.PrivateCloudAnd365 => (f.Random.Int(4, 11), 0, f.Random.Int(2, 6), f.Random.Bool(0.5f) ? f.Random.Int(2, 6) : 0),
            Profile.Aws => (0, f.Random.Int(3, 9), f.Random.Bool(0.3f) ? f.Random.Int(1, 3) : 0, 0),
            _ => (f.Random.Int(3, 8), f.Random.Int(2, 5), 0, f.Random.Int(2, 5)),
        };
        for (var n = 0; n < vms; n++) yield return make.VirtualMachine(owner);
        if (vms > 0 && f.Random.Bool(0.25f)) yield return Disregard(make.VirtualMachine(owner, $"{client.Code}-test-01"));
        for (var n = 0; n < instances; n++) yield return make.Ec2Instance(owner);
        if (profile == Profile.Aws)
        {
            for (var n = f.Random.Bool(0.65f) ? f.Random.Int(1, 2) : 0; n > 0; n--) yield return make.NatGateway(owner);
            for (var n = f.Random.Bool(0.5f) ? f.Random.Int(2, 5) : 0; n > 0; n--) yield return make.EbsVolume(owner);
            if (f.Random.Bool(0.3f)) yield return Disregard(make.Ec2Instance(owner, "sandbox"));
        }
        for (var n = 0; n < pools; n++)
            if (make.LicencePool(owner) is { } pool) yield return pool;
        for (var n = 0; n < jobs; n++) yield return make.BackupJob(owner);
        if (jobs > 0 && f.Random.Bool(0.4f)) yield return make.BackupRepository(owner);
    }

    /// <summary>The provider's own management estate: known, acknowledged, billed to nobody.</summary>
    private static IEnumerable<SampleAsset> ProviderAssets(SampleAssets make)
    {
        var owner = make.Owner(null, "mgmt", "provider.example", billsRam: false);
        foreach (var name in new[] { "vc-mgmt-01", "vbr-mgmt-01", "zbx-mon-01", "jump-01", "ad-mgmt-01", "ad-mgmt-02" })
            yield return Special(make.VirtualMachine(owner, name));
        // Templates are powered off; their (zero) readings are kept but they never bill.
        foreach (var name in new[] { "tmpl-win2022-std", "tmpl-ubuntu-2204", "tmpl-rhel9" })
            yield return Disregard(make.VirtualMachine(owner, name, poweredOff: true));
        yield return Special(make.BackupJob(owner, "MGMT - vCenter configuration"));
        yield return Special(make.BackupJob(owner, "MGMT - Infrastructure nightly"));
    }

    /// <summary>Reported for the first time in the last days, by nobody's client: what an operator triages.</summary>
    private static IEnumerable<SampleAsset> UnknownAssets(Faker f, SampleAssets make)
    {
        var owner = make.Owner(null, "new", "unknown.example", billsRam: false);
        var fresh = new List<SampleAsset>();
        for (var i = 0; i < 4; i++) fresh.Add(make.VirtualMachine(owner, "WIN-" + f.Random.String2(11, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")));
        fresh.Add(make.VirtualMachine(owner, "ubuntu-srv-" + f.Random.Int(2, 9)));
        for (var i = 0; i < 3; i++) fresh.Add(make.Ec2Instance(owner, "dev"));
        foreach (var asset in fresh) yield return New(f, asset);
    }

    private static void ShapeLifecycles(Faker f, IReadOnlyList<SampleClient> clients, List<SampleAsset> assets)
    {
        // Churned clients' estates went quiet early in the window.
        foreach (var asset in assets.Where(a => a.Client is int c && !clients[c].Enabled))
        {
            asset.LastDay = f.Random.Int(8, 25);
            asset.Special = true;
        }
        bool Ordinary(SampleAsset a) => !a.Special && a.Client is not null;
        foreach (var asset in Pick(f, assets, 10, Ordinary)) New(f, asset);
        foreach (var asset in Pick(f, assets, 6, Ordinary))
        {
            asset.LastDay = f.Random.Int(15, 50);
            asset.Enabled = false;
            asset.Special = true;
        }
        foreach (var asset in Pick(f, assets, 18, Ordinary))
        {
            asset.LastDay = SampleWindow.Days - 1 - f.Random.Int(3, 20);
            asset.Special = true;
        }
        foreach (var asset in Pick(f, assets, 30, Ordinary))
        {
            asset.FirstDay = f.Random.Int(5, 70);
            asset.Special = true;
        }
        foreach (var asset in Pick(f, assets, 20, a => a.Client is int c && clients[c].Enabled && a.Acknowledged && !a.Disregarded))
            asset.LeftUnbound = true;
    }

    private static IList<SampleAsset> Pick(Faker f, List<SampleAsset> assets, int count, Func<SampleAsset, bool> which)
        => f.Random.ListItems(assets.Where(which).ToList(), count);

    private static SampleAsset New(Faker f, SampleAsset asset)
    {
        asset.FirstDay = SampleWindow.Days - f.Random.Int(2, 9);
        asset.Acknowledged = false;
        asset.Special = true;
        return asset;
    }

    private static SampleAsset Disregard(SampleAsset asset)
    {
        asset.Disregarded = true;
        return Special(asset);
    }

    private static SampleAsset Special(SampleAsset asset)
    {
        asset.Special = true;
        return asset;
    }
}
