using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary>
/// Slash commands as a demanding IRC user types them: names checked against the server's own rules (with the rule
/// broken named), IRC habits (#room, /j, /names, /query), typos answered with the command meant, /help per command.
/// </summary>
public sealed class CommandParsingUnitTests
{
    [Theory]
    [InlineData("/join bad name!", "'bad name!' is not a room name: room names may contain only letters, digits, '_', '-' and '.' (not spaces)")]
    [InlineData("/join dev!", "'dev!' is not a room name: room names may contain only letters, digits, '_', '-' and '.' (not '!')")]
    [InlineData("/join #", "'#' is not a room name: a room name is required")]
    [InlineData("/leave no/such", "'no/such' is not a room name: room names may contain only letters, digits, '_', '-' and '.' (not '/')")]
    [InlineData("/msg bad!user hi", "'bad!user' is not a user name: names may contain only letters, digits, '_', '-' and '.' (not '!')")]
    [InlineData("/msg #bad! hi", "'#bad!' is not a room name: room names may contain only letters, digits, '_', '-' and '.' (not '!')")]
    [InlineData("/kick bo\u200Bb", "'bo\u200Bb' is not a user name: names may not contain invisible characters (U+200B)")]
    [InlineData("/gban b@d 1h", "'b@d' is not a user name: names may contain only letters, digits, '_', '-' and '.' (not '@')")]
    [InlineData("/delete bad!", "'bad!' is not a user name: names may contain only letters, digits, '_', '-' and '.' (not '!')")]
    public void A_name_that_breaks_the_servers_rules_is_refused_saying_which_rule(string input, string reason)
        => Assert.Equal(new ChatCommand.Refused(reason), ChatCommand.Parse(input));

    [Fact]
    public void The_length_limits_are_the_servers()
    {
        Assert.IsType<ChatCommand.Join>(ChatCommand.Parse("/join " + new string('r', 64)));
        var refused = Assert.IsType<ChatCommand.Refused>(ChatCommand.Parse("/join " + new string('r', 65)));
        Assert.EndsWith("room names are at most 64 characters", refused.Reason, StringComparison.Ordinal);
        Assert.IsType<ChatCommand.Msg>(ChatCommand.Parse($"/msg {new string('u', 32)} hi"));
        Assert.IsType<ChatCommand.Refused>(ChatCommand.Parse($"/msg {new string('u', 33)} hi"));
    }

    [Theory]
    [InlineData("/j #dev", "Join { Room = dev }")]
    [InlineData("/JOIN Café", "Join { Room = Café }")]
    [InlineData("/part #dev", "Leave { Room = dev }")]
    [InlineData("/close @bob", "ClosePrivate { User = bob }")]
    [InlineData("/names", "Who { }")]
    [InlineData("/query bob", "Open { User = bob }")]
    [InlineData("/msg #dev ship it", "SendTo { Room = dev, Text = ship it }")]
    [InlineData("/msg @bob psst", "Msg { User = bob, Text = psst }")]
    [InlineData("/topic", "ShowTopic { }")]
    [InlineData("/topic -clear", "Topic { Text =  }")]
    [InlineData("/topic Ship it", "Topic { Text = Ship it }")]
    [InlineData("/help", "Help { Command =  }")]
    [InlineData("/help /join", "Help { Command = join }")]
    [InlineData("/gban 192.0.2.7 1h spam", "Moderate { Action = Ban, Target = 192.0.2.7, ServerWide = True, Duration = 01:00:00, Reason = spam, TargetIsAddress = True, Verb = ban }")]
    [InlineData("/lock now", "Usage { Syntax = /lock }")]
    public void Irc_habits_parse_to_the_command_meant(string input, string expected)
        => Assert.Equal(expected, ChatCommand.Parse(input).ToString());

    [Theory]
    [InlineData("/jion", "join")]
    [InlineData("/lave", "leave")]
    [InlineData("/dowload", "download")]
    [InlineData("/hepl", "help")]
    [InlineData("/mgs", "msg")]
    [InlineData("/uplo", "upload")]
    [InlineData("/nope", null)]
    [InlineData("/xyz", null)]
    [InlineData("/d", null)]
    public void A_mistyped_command_suggests_the_one_meant_when_it_is_clear(string typed, string? meant)
    {
        var unknown = Assert.IsType<ChatCommand.Unknown>(ChatCommand.Parse(typed + " dev"));
        Assert.Equal(meant, unknown.Suggestion?.Name);
    }

    [Fact]
    public void Help_lists_every_command_and_explains_one()
    {
        foreach (var command in CommandCatalog.All)
        {
            Assert.Contains(command.Syntax, command.Moderation ? ChatCommand.ModerationHelpText : ChatCommand.HelpText, StringComparison.Ordinal);
        }

        Assert.Equal("/join ROOM (also /j): enter a room; a new name creates it", CommandCatalog.Find("J")!.Describe());
        Assert.Null(CommandCatalog.Find("me"));
    }

    [Theory]
    [InlineData("bo", "bob: ")]
    [InlineData("thanks Ca", "thanks Carol ")]
    [InlineData("/msg @bo", "/msg @bob ")]
    [InlineData("/jo", "/join ")]
    [InlineData("/d", "/d")] // /delete, /deop, /download: nothing shared to add, Tab still taken
    [InlineData("a", "a")] // alice and anna
    [InlineData("al", "alice: ")]
    public void Tab_completes_the_name_or_command_before_the_cursor(string typed, string expected)
    {
        var completed = InputCompletion.Complete(typed, typed.Length, ["alice", "anna", "bob", "Carol"]);
        Assert.Equal((expected, expected.Length), completed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello ")]
    [InlineData("zed")]
    public void Tab_with_nothing_to_complete_is_left_to_move_the_focus(string typed)
        => Assert.Null(InputCompletion.Complete(typed, typed.Length, ["alice", "bob"]));
}
