using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using Piazza.Client;

namespace Piazza.ClusterTests.Infrastructure;

/// <summary>
/// Gives the client library every node of a cluster. The list of servers is being added to
/// <see cref="PiazzaClientOptions"/> on another branch (h-clients); until it is merged this sets the property
/// named <c>Servers</c> by reflection, whichever shape it takes (h-clients: <c>IReadOnlyList&lt;ServerEndpoint&gt;</c>
/// built from host and port; also a comma list, "host:port" strings or end points),
/// so this project builds now. Once merged, replace the body with the typed <c>with { Servers = … }</c>.
/// </summary>
internal static class ClientServers
{
    public static PiazzaClientOptions WithServers(this PiazzaClientOptions options, IReadOnlyList<IPEndPoint> servers)
    {
        var copy = options with { Host = servers[0].Address.ToString(), Port = servers[0].Port };
        var property = typeof(PiazzaClientOptions).GetProperty("Servers", BindingFlags.Public | BindingFlags.Instance);
        if (property is null || !property.CanWrite)
        {
            Assert.Fail("PiazzaClientOptions has no settable Servers list yet: the client library's several-servers option comes with branch h-clients");
        }

        var texts = servers.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Address}:{s.Port}")).ToList();
        property.SetValue(copy, Shape(property.PropertyType, servers, texts));
        return copy;
    }

    private static object Shape(Type type, IReadOnlyList<IPEndPoint> servers, List<string> texts)
    {
        if (type == typeof(string))
        {
            return string.Join(',', texts);
        }

        var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().SingleOrDefault()
            ?? throw new InvalidOperationException($"unexpected type of PiazzaClientOptions.Servers: {type}");
        IEnumerable<object> items = element == typeof(string) ? texts
            : element.IsAssignableFrom(typeof(IPEndPoint)) ? servers
            : element.IsAssignableFrom(typeof(DnsEndPoint)) ? servers.Select(s => new DnsEndPoint(s.Address.ToString(), s.Port))
            : element.GetConstructor([typeof(string), typeof(int)]) is { } hostAndPort ? servers.Select(s => hostAndPort.Invoke([s.Address.ToString(), s.Port]))
            : element.GetMethod("Parse", BindingFlags.Public | BindingFlags.Static, [typeof(string)]) is { } parse ? texts.Select(t => parse.Invoke(null, [t])!)
            : throw new InvalidOperationException($"unexpected element type of PiazzaClientOptions.Servers: {element}");
        var array = Array.CreateInstance(element, servers.Count);
        var i = 0;
        foreach (var item in items)
        {
            array.SetValue(item, i++);
        }

        if (type.IsAssignableFrom(array.GetType()))
        {
            return array;
        }

        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        foreach (var item in array)
        {
            list.Add(item);
        }

        return list;
    }
}
