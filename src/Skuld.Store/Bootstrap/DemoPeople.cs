namespace Skuld.Store.Bootstrap;

/// <summary>A made-up employee of the demo company.</summary>
internal sealed record DemoPerson(
    string GivenName,
    string Surname,
    string Alias,
    string Department,
    string JobTitle,
    string City,
    string Country,
    string? UsageLocation);

/// <summary>Realistic, repeatable people for the demo tenant (a fixed seed, so every demo looks the same).</summary>
internal static class DemoPeople
{
    private static readonly string[] GivenNames =
    [
        "Adele", "Alex", "Allan", "Amara", "Ben", "Bianca", "Carlos", "Chen", "Chloe", "Christie", "Daniel", "Diego",
        "Elena", "Emily", "Enrico", "Fatima", "Grady", "Hannah", "Henrietta", "Isaiah", "Isabel", "Jakob", "Johanna",
        "Joni", "Kenji", "Lee", "Lidia", "Lynne", "Marcus", "Megan", "Miriam", "Nestor", "Nora", "Olga", "Omar",
        "Patti", "Pradeep", "Priya", "Raul", "Rosa", "Samuel", "Sofia", "Tomas", "Una", "Victor", "Wen", "Yara", "Zoe",
    ];

    private static readonly string[] Surnames =
    [
        "Abbott", "Baker", "Castillo", "Chen", "Dubois", "Edwards", "Fernandez", "Fischer", "Garcia", "Gupta", "Hansen",
        "Holt", "Ibrahim", "Ito", "Jensen", "Kaur", "Kowalski", "Larsen", "Lopez", "Mbeki", "Miller", "Moreau", "Nakamura",
        "Nguyen", "Novak", "Okafor", "Olsen", "Patel", "Petrov", "Quinn", "Rossi", "Sanchez", "Schmidt", "Sherman",
        "Silva", "Tanaka", "Turner", "Vance", "Wagner", "Wilber", "Williams", "Xu", "Young", "Zimmerman",
    ];

    private static readonly (string Department, string[] Titles)[] Departments =
    [
        ("Sales", ["Account Executive", "Sales Manager", "Sales Representative"]),
        ("Marketing", ["Marketing Specialist", "Marketing Manager", "Content Writer"]),
        ("Engineering", ["Software Engineer", "Senior Software Engineer", "Engineering Manager", "QA Engineer"]),
        ("Finance", ["Accountant", "Financial Analyst", "Controller"]),
        ("Human Resources", ["HR Generalist", "Recruiter", "HR Manager"]),
        ("Legal", ["Counsel", "Paralegal"]),
        ("Operations", ["Operations Analyst", "Logistics Coordinator", "Operations Manager"]),
        ("Customer Support", ["Support Engineer", "Support Lead"]),
        ("IT", ["Systems Administrator", "IT Support Specialist", "IT Manager"]),
    ];

    private static readonly (string City, string Country, string UsageLocation)[] Offices =
    [
        ("Seattle", "United States", "US"), ("Seattle", "United States", "US"), ("New York", "United States", "US"),
        ("Chicago", "United States", "US"), ("Austin", "United States", "US"), ("Boston", "United States", "US"),
        ("London", "United Kingdom", "GB"), ("Berlin", "Germany", "DE"), ("Toronto", "Canada", "CA"),
    ];

    /// <summary>
    /// <paramref name="count"/> people with distinct aliases; the last <paramref name="withoutUsageLocation"/>
    /// have no usage location (a problem the demo shows on purpose).
    /// </summary>
    public static IReadOnlyList<DemoPerson> Generate(int count, int withoutUsageLocation)
    {
        var random = new Random(1729);
        var aliases = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "admin" };
        var people = new List<DemoPerson>(count);
        for (var i = 0; i < count; i++)
        {
            var given = GivenNames[random.Next(GivenNames.Length)];
            var surname = Surnames[random.Next(Surnames.Length)];
            var alias = $"{given}.{surname}".ToLowerInvariant();
            for (var n = 2; !aliases.Add(alias); n++)
            {
                alias = $"{given}.{surname}{n}".ToLowerInvariant();
            }

            var (department, titles) = Departments[random.Next(Departments.Length)];
            var office = Offices[random.Next(Offices.Length)];
            var usageLocation = i >= count - withoutUsageLocation ? null : office.UsageLocation;
            people.Add(new DemoPerson(given, surname, alias, department, titles[random.Next(titles.Length)],
                office.City, office.Country, usageLocation));
        }

        return people;
    }
}
