using System.Text;
using Bogus;

namespace MeteringConsole.Features.Sample;

/// <summary>The provider's customers: small and mid-sized firms, a few of them churned (disabled).</summary>
internal static class SampleClients
{
    public const int Disabled = 3;

    private static readonly string[] Trades =
    {
        "Logistics", "Dental Group", "Architects", "Manufacturing", "Legal LLP", "Capital Partners", "Health", "Engineering",
        "Foods", "Retail Group", "Insurance", "Construction", "Media", "Pharma", "Property Management", "Accounting",
        "Veterinary Clinics", "Freight", "Hotels", "Energy", "Biotech", "Schools Trust", "Credit Union", "Marine Services",
    };

    private static readonly string[] Mailboxes = { "billing", "it", "finance", "ops", "accounts", "servicedesk" };

    public static List<SampleClient> Create(Faker f, SampleWindow window, int count)
    {
        var clients = new List<SampleClient>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var codes = new HashSet<string>();
        var disabled = f.Random.ListItems(Enumerable.Range(0, count).ToList(), Disabled).ToHashSet();
        while (clients.Count < count)
        {
            var first = Letters(f.Name.LastName());
            var name = f.Random.Bool(0.7f)
                ? $"{first} {f.PickRandom(Trades)}"
                : $"{first} & {Letters(f.Name.LastName())} {f.PickRandom(Trades)}";
            if (first.Length < 3 || !names.Add(name)) continue;
            var domain = Slug(name) + ".example";
            clients.Add(new SampleClient
            {
                Name = name,
                Code = UniqueCode(first, codes),
                Domain = domain,
                AlertEmails = AlertEmails(f, domain),
                CreatedAt = window.Anchor.AddDays(-f.Random.Int(120, 1500)).AddMinutes(f.Random.Int(8 * 60, 18 * 60)),
                Enabled = !disabled.Contains(clients.Count),
            });
        }
        return clients;
    }

    private static List<string> AlertEmails(Faker f, string domain)
    {
        var emails = f.Random.ListItems(Mailboxes, f.Random.Int(1, 2)).Select(m => $"{m}@{domain}").ToList();
        if (f.Random.Bool(0.5f))
            emails.Add($"{Letters(f.Name.FirstName()).ToLowerInvariant()}.{Letters(f.Name.LastName()).ToLowerInvariant()}@{domain}");
        return emails;
    }

    /// <summary>Three letters of the name, varied until unused: servers are named <c>kuh-sql-01</c>.</summary>
    private static string UniqueCode(string name, HashSet<string> taken)
    {
        var lower = name.ToLowerInvariant();
        for (var i = 2; i < lower.Length; i++)
            if (taken.Add(lower[..2] + lower[i])) return lower[..2] + lower[i];
        for (var n = 1; ; n++)
            if (taken.Add(lower[..2] + n)) return lower[..2] + n;
    }

    private static string Letters(string text) => new(text.Where(char.IsAsciiLetter).ToArray());

    private static string Slug(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        return sb.ToString().Trim('-');
    }
}
