namespace Skuld.Server.Processing;

/// <summary>Configuration section <c>Skuld:Processing</c>.</summary>
public sealed class LicenseProcessingOptions
{
    public const string Section = "Skuld:Processing";

    /// <summary>False leaves enqueued work alone (tests that run batches themselves).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Users per batch transaction.</summary>
    public int BatchSize { get; set; } = Store.Processing.LicenseProcessing.DefaultBatchSize;

    /// <summary>How often to look for work other processes enqueued, when not woken.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Names this process in the batch log; default host name and process id.</summary>
    public string? Owner { get; set; }
}
