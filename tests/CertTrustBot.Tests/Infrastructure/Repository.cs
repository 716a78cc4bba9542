namespace CertTrustBot.Tests.Infrastructure;

/// <summary>The checkout the tests run from: the folder with CertTrustBot.sln above the test binaries.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CertTrustBot.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException("CertTrustBot.sln not found above " + AppContext.BaseDirectory);
    }
}
