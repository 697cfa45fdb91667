using System.Globalization;
using System.Reflection;

namespace Piazza.Server.Options;

/// <summary>What a value of an option is written as, read from the type of the record property it sets.</summary>
public enum OptionKind
{
    Text,
    Integer,
    Number,
    Switch,
    Seconds,
    List,
}

/// <summary>A rule a value must satisfy, with the words an operator reads when it does not.</summary>
public sealed record OptionRule(string Text, Func<object, bool> Holds)
{
    public static OptionRule None { get; } = new(string.Empty, _ => true);

    public static OptionRule AtLeast(double minimum) => new(
        string.Create(CultureInfo.InvariantCulture, $"must be {minimum} or more"), value => AsNumber(value) >= minimum);

    public static OptionRule Port { get; } = new("must be a port number from 0 to 65535 (0 picks a free port)", value => AsNumber(value) is >= 0 and <= 65535);

    public static OptionRule PortOrOff { get; } = new("must be a port number from 0 to 65535, or -1 (off)", value => AsNumber(value) is >= -1 and <= 65535);

    public static OptionRule PositiveSeconds { get; } = new("must be more than 0 seconds", value => AsNumber(value) > 0);

    public static OptionRule NotEmpty { get; } = new("must not be empty", value => value is not string { Length: 0 });

    public static OptionRule ListenAddress { get; } = new(
        "must be an IP address, localhost or *", value => value is "localhost" or "*" or "" || System.Net.IPAddress.TryParse((string)value, out _));

    private static double AsNumber(object value) => value is TimeSpan span ? span.TotalSeconds : Convert.ToDouble(value, CultureInfo.InvariantCulture);
}

/// <summary>
/// One option: its names in every form (flag, environment variable, appsettings.json key), its description and its
/// rule. Its default is the record's initial value, read through <see cref="Path"/>, so it is written only there.
/// </summary>
public sealed class OptionDescriptor
{
    private const string EnvironmentPrefix = "PIAZZA_";
    private readonly PropertyInfo[] _properties;

    public OptionDescriptor(string flag, string name, string path, string description, OptionRule? rule = null, string? defaultText = null)
    {
        Flag = flag;
        Name = name;
        Path = path;
        Description = description;
        Rule = rule ?? OptionRule.None;
        DefaultText = defaultText;
        var type = typeof(PiazzaOptions);
        _properties = path.Split(':').Select(segment =>
        {
            var property = type.GetProperty(segment) ?? throw new InvalidOperationException($"{type.Name} has no property {segment} (option {flag})");
            type = property.PropertyType;
            return property;
        }).ToArray();
        ValueType = type;
        Kind = KindOf(type);
    }

    /// <summary>The command-line flag, e.g. <c>--max-file-bytes</c>.</summary>
    public string Flag { get; }

    /// <summary>The flat name, e.g. <c>MaxFileBytes</c>: <c>PIAZZA_MAXFILEBYTES</c> and the short key <c>Piazza:MaxFileBytes</c>.</summary>
    public string Name { get; }

    /// <summary>Where it sits in <see cref="PiazzaOptions"/>, e.g. <c>Files:MaxFileBytes</c>, also its full appsettings.json key.</summary>
    public string Path { get; }

    public string Description { get; }

    public OptionRule Rule { get; }

    public OptionKind Kind { get; }

    public Type ValueType { get; }

    /// <summary>How the default reads when it is not a value (e.g. "when stdin is a terminal").</summary>
    public string? DefaultText { get; }

    internal PropertyInfo Property => _properties[^1];

    public string EnvironmentName => EnvironmentPrefix + Name.ToUpperInvariant();

    public string ConfigurationKey => $"{PiazzaOptions.SectionName}:{Path}";

    public string ShortConfigurationKey => $"{PiazzaOptions.SectionName}:{Name}";

    /// <summary>The value placeholder in <c>--help</c>.</summary>
    public string HelpName => Kind switch
    {
        OptionKind.Integer => Name.EndsWith("Bytes", StringComparison.Ordinal) ? "bytes" : "n",
        OptionKind.Number => "rate",
        OptionKind.Switch => "true|false",
        OptionKind.Seconds => "seconds",
        OptionKind.List => "a,b,…",
        _ when Name == "Bind" => "address",
        _ => Name.Contains("Tls", StringComparison.Ordinal) || Name is "Data" or "FilesDir" ? "path" : "text",
    };

    public string DefaultDisplay => DefaultText ?? (Get(new PiazzaOptions()) is string text ? $"\"{text}\"" : Format(Get(new PiazzaOptions())));

    public object? Get(PiazzaOptions options)
    {
        object? value = options;
        foreach (var property in _properties)
        {
            value = property.GetValue(value);
        }

        return value;
    }

    /// <summary>
    /// Sets the value on a freshly made <paramref name="options"/> the binder still owns (no one else has seen it):
    /// reflection may write init-only properties, so the records stay immutable to everyone else.
    /// </summary>
    internal void SetOnFresh(PiazzaOptions options, object? value)
    {
        object target = options;
        foreach (var property in _properties[..^1])
        {
            target = property.GetValue(target)!;
        }

        _properties[^1].SetValue(target, value);
    }

    /// <summary>Reads a value as written in a flag, a variable or a key; seconds may also be written as 00:01:30.</summary>
    public bool TryParse(string text, out object? value)
    {
        var culture = CultureInfo.InvariantCulture;
        value = null;
        var trimmed = text.Trim();
        switch (Kind)
        {
            case OptionKind.Integer when ValueType == typeof(int) && int.TryParse(trimmed, NumberStyles.Integer, culture, out var i):
                value = i;
                return true;
            case OptionKind.Integer when ValueType == typeof(long) && long.TryParse(trimmed, NumberStyles.Integer, culture, out var l):
                value = l;
                return true;
            case OptionKind.Number when double.TryParse(trimmed, NumberStyles.Float, culture, out var d) && double.IsFinite(d):
                value = d;
                return true;
            case OptionKind.Switch when bool.TryParse(trimmed, out var b):
                value = b;
                return true;
            case OptionKind.Seconds when trimmed.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(trimmed, culture, out var span):
                value = span;
                return true;
            case OptionKind.Seconds when double.TryParse(trimmed, NumberStyles.Float, culture, out var seconds) && double.IsFinite(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds:
                value = TimeSpan.FromSeconds(seconds);
                return true;
            case OptionKind.List:
                value = trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return true;
            case OptionKind.Text:
                value = text;
                return true;
            default:
                return false;
        }
    }

    /// <summary>What a value that does not parse should have been.</summary>
    public string KindText => Kind switch
    {
        OptionKind.Integer => "must be a whole number",
        OptionKind.Number => "must be a number",
        OptionKind.Switch => "must be true or false",
        OptionKind.Seconds => "must be a number of seconds (or hh:mm:ss)",
        _ => "is not valid",
    };

    public static string Format(object? value) => value switch
    {
        null => "none",
        bool b => b ? "true" : "false",
        TimeSpan span => FormatSeconds(span),
        IEnumerable<string> list when list.Any() => string.Join(",", list),
        IEnumerable<string> => "none",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string FormatSeconds(TimeSpan span)
    {
        var seconds = span.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        return span.TotalDays >= 1 && span.TotalDays % 1 == 0 ? $"{seconds} ({Count(span.TotalDays, "day")})"
            : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? $"{seconds} ({Count(span.TotalHours, "hour")})"
            : seconds;
    }

    private static string Count(double n, string unit) => $"{n.ToString(CultureInfo.InvariantCulture)} {unit}{(n == 1 ? "" : "s")}";

    private static OptionKind KindOf(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying == typeof(int) || underlying == typeof(long) ? OptionKind.Integer
            : underlying == typeof(double) ? OptionKind.Number
            : underlying == typeof(bool) ? OptionKind.Switch
            : underlying == typeof(TimeSpan) ? OptionKind.Seconds
            : underlying == typeof(string) ? OptionKind.Text
            : underlying == typeof(IReadOnlyList<string>) ? OptionKind.List
            : throw new InvalidOperationException($"options of type {type} are not supported");
    }
}
