using Piazza.Protocol;
using Piazza.Server.Doors.JsonLines;

namespace Piazza.UnitTests;

/// <summary>The one table of WebSocket close frames: what docs/protocol.md prints is what the server sends, and each fits a close frame.</summary>
public class WebSocketCloseCodesUnitTests
{
    [Fact]
    public void The_close_code_table_in_protocol_md_is_the_servers_both_ways()
    {
        var documented = RepoDocs.TableRows(RepoDocs.Section(RepoDocs.Read("docs/protocol.md"), "### WebSocket close codes"))
            .Select(cells => (Cause: RepoDocs.WireNamesIn(cells[0]).Single(), Code: int.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture), Reason: RepoDocs.WireNamesIn(cells[2]).SingleOrDefault() ?? ""))
            .ToList();
        var table = WebSocketCloseCodes.Table.Select(row => (Cause: row.Cause.Split(' ')[0], row.Close.Code, row.Close.Reason)).ToList();
        Assert.Equal(table, documented);
    }

    [Fact]
    public void Each_reason_maps_to_its_row_and_every_row_fits_a_close_frame()
    {
        Assert.Equal(new WebSocketClose(1000, "bye"), WebSocketCloseCodes.For(LeaveReason.Quit));
        Assert.Equal(new WebSocketClose(1001, "shutdown"), WebSocketCloseCodes.For(LeaveReason.Shutdown));
        Assert.Equal(new WebSocketClose(1008, "flooding"), WebSocketCloseCodes.For(LeaveReason.Flooding));
        Assert.Equal(new WebSocketClose(1008, "banned"), WebSocketCloseCodes.For(LeaveReason.Banned));
        Assert.Equal(new WebSocketClose(4000, "hello_timeout"), WebSocketCloseCodes.For(LeaveReason.Timeout, ErrorCode.HelloTimeout));
        Assert.Equal(new WebSocketClose(4001, "timeout"), WebSocketCloseCodes.For(LeaveReason.Timeout));
        Assert.Equal(new WebSocketClose(4002, "kicked"), WebSocketCloseCodes.For(LeaveReason.Kicked));
        Assert.Equal(new WebSocketClose(4003, "session_revoked"), WebSocketCloseCodes.For(LeaveReason.SessionRevoked));
        Assert.Equal(new WebSocketClose(1011, "server_error"), WebSocketCloseCodes.For(LeaveReason.Lost, ErrorCode.ServerError));
        Assert.Equal(new WebSocketClose(1000, ""), WebSocketCloseCodes.For(LeaveReason.Lost));

        foreach (var reason in Enum.GetValues<LeaveReason>())
        {
            Assert.InRange(WebSocketCloseCodes.For(reason).Code, 1000, 4999);
        }

        Assert.All(WebSocketCloseCodes.Table, row => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(row.Close.Reason), 0, 123));
        Assert.Equal(WebSocketCloseCodes.Table.Count, WebSocketCloseCodes.Table.Select(row => row.Close).Distinct().Count());
    }
}
