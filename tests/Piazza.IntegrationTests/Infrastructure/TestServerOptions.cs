using System.Globalization;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// Typed settings for a <see cref="TestServer"/>: null leaves the server's own default. <see cref="ToSettings"/> is the
/// one place that knows the server's configuration keys.
/// </summary>
public sealed record TestServerOptions
{
    /// <summary>Native TCP port; null picks a free one.</summary>
    public int? Port { get; init; }

    /// <summary>HTTP port; null picks a free one, -1 turns the door off.</summary>
    public int? HttpPort { get; init; }

    public bool? PlainTcp { get; init; }

    public IReadOnlyList<string> PublicOrigins { get; init; } = [];

    public int? MaxLineBytes { get; init; }

    public TimeSpan? IdleTimeout { get; init; }

    public TimeSpan? HelloTimeout { get; init; }

    public int? OutboxMaxFrames { get; init; }

    public long? OutboxMaxBytes { get; init; }

    public bool? AllowGuests { get; init; }

    public bool? FirstUserIsAdmin { get; init; }

    public int? MaxRoomsPerUser { get; init; }

    public bool? GuestsMayCreateRooms { get; init; }

    public bool? MembersMayInvite { get; init; }

    public long? MaxFileBytes { get; init; }

    public long? UserQuotaBytes { get; init; }

    public int? MaxConcurrentUploads { get; init; }

    /// <summary>A development certificate, with the TLS and HTTPS doors on free ports.</summary>
    public bool DevTls { get; init; }

    public int? TlsPort { get; init; }

    public int? HttpsPort { get; init; }

    public string? TlsCert { get; init; }

    public string? TlsKey { get; init; }

    public TimeSpan? TlsReloadInterval { get; init; }

    /// <summary>Flood and connection limits; off unless a test is about them (tests send as fast as they can).</summary>
    public TestLimits Limits { get; init; } = TestLimits.Off;

    /// <summary>The <c>Piazza:*</c> keys (without the prefix) these options set.</summary>
    public IEnumerable<(string Key, string Value)> ToSettings()
    {
        var settings = new List<(string, string?)>
        {
            ("Port", Text(Port)),
            ("HttpPort", Text(HttpPort)),
            ("PlainTcp", Text(PlainTcp)),
            ("MaxLineBytes", Text(MaxLineBytes)),
            ("IdleTimeout", Text(IdleTimeout)),
            ("HelloTimeout", Text(HelloTimeout)),
            ("OutboxMaxFrames", Text(OutboxMaxFrames)),
            ("OutboxMaxBytes", Text(OutboxMaxBytes)),
            ("AllowGuests", Text(AllowGuests)),
            ("FirstUserIsAdmin", Text(FirstUserIsAdmin)),
            ("MaxRoomsPerUser", Text(MaxRoomsPerUser)),
            ("MaxFileBytes", Text(MaxFileBytes)),
            ("UserQuotaBytes", Text(UserQuotaBytes)),
            ("MaxConcurrentUploads", Text(MaxConcurrentUploads)),
            ("DevTls", DevTls ? "true" : null),
            ("TlsPort", Text(TlsPort ?? (DevTls || TlsCert is not null ? 0 : null))),
            ("HttpsPort", Text(HttpsPort ?? (DevTls || TlsCert is not null ? 0 : null))),
            ("TlsCert", TlsCert),
            ("TlsKey", TlsKey),
            ("TlsReloadInterval", Text(TlsReloadInterval)),
            ("MessagesPerSecond", Text(Limits.MessagesPerSecond)),
            ("MessageBurst", Text(Limits.MessageBurst)),
            ("AccountMessagesPerSecond", Text(Limits.AccountMessagesPerSecond)),
            ("AccountMessageBurst", Text(Limits.AccountMessageBurst)),
            ("FramesPerSecond", Text(Limits.FramesPerSecond)),
            ("FrameBurst", Text(Limits.FrameBurst)),
            ("ReadsPerSecond", Text(Limits.ReadsPerSecond)),
            ("ReadBurst", Text(Limits.ReadBurst)),
            ("AccountReadsPerSecond", Text(Limits.AccountReadsPerSecond)),
            ("AccountReadBurst", Text(Limits.AccountReadBurst)),
            ("FloodRefusals", Text(Limits.FloodRefusals)),
            ("FloodWindow", Text(Limits.FloodWindow)),
            ("MaxConnectionsPerAddress", Text(Limits.MaxConnectionsPerAddress)),
            ("ConnectionsPerSecondPerAddress", Text(Limits.ConnectionsPerSecondPerAddress)),
            ("ConnectionBurstPerAddress", Text(Limits.ConnectionBurstPerAddress)),
            ("LoginsPerMinutePerAddress", Text(Limits.LoginsPerMinutePerAddress)),
            ("RegistrationsPerHourPerAddress", Text(Limits.RegistrationsPerHourPerAddress)),
            ("GuestsMayCreateRooms", Text(GuestsMayCreateRooms)),
            ("MembersMayInvite", Text(MembersMayInvite)),
            ("RoomCreationsPerMinute", Text(Limits.RoomCreationsPerMinute)),
            ("RoomCreationBurst", Text(Limits.RoomCreationBurst)),
            ("AddressRoomCreationsPerMinute", Text(Limits.AddressRoomCreationsPerMinute)),
            ("AddressRoomCreationBurst", Text(Limits.AddressRoomCreationBurst)),
            ("UploadsPerMinute", Text(Limits.UploadsPerMinute)),
            ("HttpRequestRate", Text(Limits.HttpRequestRate)),
            ("HttpRequestBurst", Text(Limits.HttpRequestBurst)),
            ("HttpAddressRequestRate", Text(Limits.HttpAddressRequestRate)),
            ("HttpAddressRequestBurst", Text(Limits.HttpAddressRequestBurst)),
            ("MaxHttpConnectionsPerAddress", Text(Limits.MaxHttpConnectionsPerAddress)),
        };
        settings.AddRange(PublicOrigins.Select((origin, i) => ($"PublicOrigins:{i}", (string?)origin)));
        return settings.Where(s => s.Item2 is not null).Select(s => (s.Item1, s.Item2!));
    }

    private static string? Text<T>(T? value)
        where T : struct, IFormattable
        => value?.ToString(typeof(T) == typeof(TimeSpan) ? "c" : null, CultureInfo.InvariantCulture);

    private static string? Text(bool? value) => value switch { null => null, true => "true", false => "false" };
}

/// <summary>Flood control and per-address connection limits for a <see cref="TestServer"/>; null leaves the server's default.</summary>
public sealed record TestLimits
{
    /// <summary>Every rate limit off: tests send thousands of messages and open hundreds of connections from 127.0.0.1.</summary>
    public static TestLimits Off { get; } = new()
    {
        MessagesPerSecond = 0,
        AccountMessagesPerSecond = 0,
        FramesPerSecond = 0,
        ReadsPerSecond = 0,
        AccountReadsPerSecond = 0,
        MaxConnectionsPerAddress = 0,
        ConnectionsPerSecondPerAddress = 0,
        LoginsPerMinutePerAddress = 0,
        RegistrationsPerHourPerAddress = 0,
        RoomCreationsPerMinute = 0,
        AddressRoomCreationsPerMinute = 0,
        UploadsPerMinute = 0,
        HttpRequestRate = 0,
        HttpAddressRequestRate = 0,
        MaxHttpConnectionsPerAddress = 0,
    };

    /// <summary>The limits the product ships with (the server's defaults).</summary>
    public static TestLimits Production { get; } = new();

    public double? MessagesPerSecond { get; init; }

    public int? MessageBurst { get; init; }

    public double? AccountMessagesPerSecond { get; init; }

    public int? AccountMessageBurst { get; init; }

    public double? FramesPerSecond { get; init; }

    public int? FrameBurst { get; init; }

    public double? ReadsPerSecond { get; init; }

    public int? ReadBurst { get; init; }

    public double? AccountReadsPerSecond { get; init; }

    public int? AccountReadBurst { get; init; }

    /// <summary>Refusals before a flooding connection is dropped; 0 never drops.</summary>
    public int? FloodRefusals { get; init; }

    public TimeSpan? FloodWindow { get; init; }

    public int? MaxConnectionsPerAddress { get; init; }

    public double? ConnectionsPerSecondPerAddress { get; init; }

    public int? ConnectionBurstPerAddress { get; init; }

    /// <summary>Password logins one address may start per minute; 0 no limit (failed-login throttling stays on).</summary>
    public double? LoginsPerMinutePerAddress { get; init; }

    /// <summary>Accounts one address may register per hour; 0 no limit.</summary>
    public double? RegistrationsPerHourPerAddress { get; init; }

    public double? RoomCreationsPerMinute { get; init; }

    public int? RoomCreationBurst { get; init; }

    public double? AddressRoomCreationsPerMinute { get; init; }

    public int? AddressRoomCreationBurst { get; init; }

    /// <summary>Upload creations per user and minute (empty ones included); 0 no limit.</summary>
    public int? UploadsPerMinute { get; init; }

    /// <summary>API requests per second per bearer token (or tokenless address); 0 no limit.</summary>
    public double? HttpRequestRate { get; init; }

    public int? HttpRequestBurst { get; init; }

    /// <summary>API requests per second per address, all tokens together; 0 no limit.</summary>
    public double? HttpAddressRequestRate { get; init; }

    public int? HttpAddressRequestBurst { get; init; }

    /// <summary>Open HTTP connections per address; 0 no limit.</summary>
    public int? MaxHttpConnectionsPerAddress { get; init; }
}
