using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Piazza.Cluster.Redis;
using Piazza.Core.Ports;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// Every kind of <see cref="ClusterSignal"/> (found by reflection, so a kind added later is covered) is declared on the
/// base and crosses the wire through the source-generated context unchanged.
/// </summary>
public sealed class ClusterSignalJsonTests
{
    private static readonly Type[] Kinds = [.. typeof(ClusterSignal).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(ClusterSignal)) && !t.IsAbstract)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)];

    public static TheoryData<string> KindNames() => [.. Kinds.Select(t => t.FullName!)];

    [Fact]
    public void Every_kind_of_signal_is_declared_on_the_base_with_its_own_discriminator()
    {
        var declared = typeof(ClusterSignal).GetCustomAttributes<JsonDerivedTypeAttribute>().ToList();
        Assert.NotEmpty(Kinds);
        Assert.Equal(Kinds.Select(t => t.FullName), declared.Select(d => d.DerivedType.FullName).Order(StringComparer.Ordinal));
        Assert.Equal(declared.Count, declared.Select(d => d.TypeDiscriminator).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void A_signal_round_trips_through_the_envelope_unchanged(string kindName)
    {
        var kind = Kinds.Single(t => t.FullName == kindName);
        var signal = (ClusterSignal)Sample(kind, depth: 0)!;

        var bytes = JsonSerializer.SerializeToUtf8Bytes(new SignalEnvelope("a", "run", 7, signal), ClusterJsonContext.Default.SignalEnvelope);
        var received = JsonSerializer.Deserialize(bytes, ClusterJsonContext.Default.ReceivedEnvelope)!;
        var back = received.Signal!.Value.Deserialize(ClusterJsonContext.Default.ClusterSignal)!;

        Assert.Equal(("a", "run", 7L), (received.Node, received.Run, received.Counter));
        Assert.IsType(kind, back);
        Assert.Equal(
            JsonSerializer.Serialize(signal, ClusterJsonContext.Default.ClusterSignal),
            JsonSerializer.Serialize(back, ClusterJsonContext.Default.ClusterSignal));
        if (!HasCollections(kind))
        {
            Assert.Equal(signal, back);
        }
    }

    /// <summary>A value of <paramref name="type"/> with every member set to something that is not its default.</summary>
    private static object? Sample(Type type, int depth)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Sample(underlying, depth);
        }

        if (type == typeof(string))
        {
            return $"text{depth}";
        }

        if (type == typeof(bool))
        {
            return true;
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(values.Length - 1);
        }

        if (type.IsPrimitive || type == typeof(decimal))
        {
            return Convert.ChangeType(7 + depth, type, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (type == typeof(DateTimeOffset))
        {
            return new DateTimeOffset(2025, 3, 1, 12, 30, 15, TimeSpan.Zero);
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.FromMinutes(5);
        }

        if (type == typeof(Guid))
        {
            return Guid.Parse("0b9c7a9e-86a4-4c8b-9a52-0f6e3b1d2c4f");
        }

        if (type.IsArray)
        {
            var array = Array.CreateInstance(type.GetElementType()!, 1);
            array.SetValue(Sample(type.GetElementType()!, depth + 1), 0);
            return array;
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Sample(element, depth + 1));
            return list;
        }

        Assert.True(depth < 8, $"{type} nests too deep for the sample builder");
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var instance = constructor.Invoke([.. constructor.GetParameters().Select(p => Sample(p.ParameterType, depth + 1))]);
        foreach (var property in type.GetProperties().Where(p => p.SetMethod is { IsPublic: true } && constructor.GetParameters().All(c => c.Name != p.Name)))
        {
            property.SetValue(instance, Sample(property.PropertyType, depth + 1));
        }

        return instance;
    }

    private static bool HasCollections(Type type) => type.GetProperties().Any(p =>
        p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType)
        || p.PropertyType.IsClass && p.PropertyType != typeof(string) && p.PropertyType.Assembly == type.Assembly && HasCollections(p.PropertyType));
}
