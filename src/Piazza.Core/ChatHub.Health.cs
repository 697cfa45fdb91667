namespace Piazza.Core;

/// <summary>What readiness probes ask the hub (the server's <c>/readyz</c>).</summary>
public sealed partial class ChatHub
{
    /// <summary>Whether the message writer has stopped for good (a node alone after a store fault): sends are refused.</summary>
    public bool MessageLogFailed => _sequencer.HasFailed;
}
