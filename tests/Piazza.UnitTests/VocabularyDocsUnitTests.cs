using Piazza.Protocol;
using Piazza.Server.Doors.Http;

namespace Piazza.UnitTests;

/// <summary>The vocabulary the server has and the one the docs promise are the same, both ways.</summary>
public class VocabularyDocsUnitTests
{
    [Fact]
    public void Every_error_code_is_in_the_protocol_error_tables_and_every_code_there_is_one_the_server_has()
    {
        var documented = FirstColumnNames(RepoDocs.Read("docs/protocol.md"), "### Error codes");
        Assert.Equal(documented.Distinct().Count(), documented.Count);
        Assert.Equal(WireNames.AllErrorCodes.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_leave_reason_is_in_the_protocol_table_and_every_reason_there_is_one_the_server_has()
    {
        var documented = FirstColumnNames(RepoDocs.Read("docs/protocol.md"), "### Leave reasons");
        Assert.Equal(documented.Distinct().Count(), documented.Count);
        Assert.Equal(WireNames.AllLeaveReasons.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_error_code_has_an_http_error_status()
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            Assert.InRange(HttpErrors.StatusOf(code), 400, 599);
        }
    }

    [Fact]
    public void Every_status_http_api_md_gives_a_code_is_the_one_the_server_answers_with()
    {
        var rows = RepoDocs.TableRows(RepoDocs.Read("docs/http-api.md").Split('\n'))
            .Where(cells => cells.Length >= 2 && int.TryParse(cells[0], out _))
            .SelectMany(cells => RepoDocs.WireNamesIn(cells[1]).Select(name => (Status: int.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture), Name: name)))
            .ToList();
        Assert.NotEmpty(rows);
        foreach (var (status, name) in rows)
        {
            Assert.True(WireNames.TryParse(name, out ErrorCode code), $"http-api.md names '{name}', which is not an error code");
            Assert.True(status == HttpErrors.StatusOf(code), $"http-api.md gives '{name}' status {status}; the server answers {HttpErrors.StatusOf(code)}");
        }

        // The HTTP door's own codes (protocol.md's second table) each have their status documented.
        var httpOnly = RepoDocs.TableRows(RepoDocs.Section(RepoDocs.Read("docs/protocol.md"), "### Error codes"))
            .Where(cells => cells.Length == 2)
            .SelectMany(cells => RepoDocs.WireNamesIn(cells[0]));
        Assert.All(httpOnly, name => Assert.Contains(name, rows.Select(r => r.Name)));
    }

    [Fact]
    public void Wire_names_are_snake_case_and_round_trip()
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            Assert.Matches("^[a-z]+(_[a-z]+)*$", code.ToWire());
            Assert.True(WireNames.TryParse(code.ToWire(), out ErrorCode parsed));
            Assert.Equal(code, parsed);
        }

        Assert.Equal("no_such_room", ErrorCode.NoSuchRoom.ToWire());
        Assert.Equal("slow_consumer", LeaveReason.SlowConsumer.ToWire());
        Assert.False(WireNames.TryParse("No_Such_Room", out ErrorCode _));
    }

    private static List<string> FirstColumnNames(string markdown, string heading)
        => [.. RepoDocs.TableRows(RepoDocs.Section(markdown, heading)).SelectMany(cells => RepoDocs.WireNamesIn(cells[0]))];
}
