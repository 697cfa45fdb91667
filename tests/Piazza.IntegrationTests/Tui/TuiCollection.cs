namespace Piazza.IntegrationTests.Tui;

/// <summary>Terminal.Gui keeps some process-wide state (configuration, drivers), so its tests run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TuiCollection
{
    public const string Name = "Terminal.Gui";
}
