using System.Globalization;
using Piazza.Client;
using Piazza.Protocol;
using Terminal.Gui.App;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Piazza.Tui;

/// <summary>
/// Asks for name, host and port and connects. It stays open while connecting and after a failure, explaining what
/// went wrong, so the user can correct the name (name_taken, bad_name) or simply retry (server unreachable).
/// </summary>
internal sealed class LoginWindow : Window
{
    private readonly IApplication _app;
    private readonly TextField _user;
    private readonly TextField _host;
    private readonly TextField _port;
    private readonly Label _message;
    private readonly Button _connect;
    private bool _connecting;
    private volatile bool _stopped;

    public LoginWindow(IApplication app, ConnectSettings settings, string? notice = null)
    {
        _app = app;
        Settings = settings;
        Title = "Piazza · connect";
        X = Pos.Center();
        Y = Pos.Center();
        Width = 64;
        Height = 14;

        var userLabel = new Label { Text = "_Name:", X = 1, Y = 1 };
        _user = new TextField { Text = settings.User ?? "", X = 8, Y = 1, Width = Dim.Fill(1) };
        var hostLabel = new Label { Text = "_Host:", X = 1, Y = 3 };
        _host = new TextField { Text = settings.Host, X = 8, Y = 3, Width = Dim.Fill(1) };
        var portLabel = new Label { Text = "_Port:", X = 1, Y = 5 };
        _port = new TextField { Text = settings.Port.ToString(CultureInfo.InvariantCulture), X = 8, Y = 5, Width = 7 };
        _message = new Label { Text = notice ?? "Enter connects; Tab moves between fields; Esc quits.", X = 1, Y = 7, Width = Dim.Fill(1), Height = 2 };
        _connect = new Button { Text = "_Connect", IsDefault = true, X = Pos.Center() - 8, Y = Pos.AnchorEnd(1) };
        var quit = new Button { Text = "_Quit", X = Pos.Right(_connect) + 2, Y = Pos.AnchorEnd(1) };

        // Enter in any field or on Connect starts connecting; Handled keeps the window open meanwhile.
        foreach (var view in new View[] { _user, _host, _port, _connect })
        {
            view.Accepting += (_, e) =>
            {
                e.Handled = true;
                StartConnect();
            };
        }

        quit.Accepting += (_, e) =>
        {
            e.Handled = true;
            RequestStop();
        };
        IsRunningChanged += (_, e) =>
        {
            if (!e.Value)
            {
                _stopped = true;
            }
        };

        Add(userLabel, _user, hostLabel, _host, portLabel, _port, _message, _connect, quit);
        _user.SetFocus();
    }

    /// <summary>The connected client once connecting succeeded; null if the user quit.</summary>
    public PiazzaClient? Client { get; private set; }

    /// <summary>The settings last tried (the ones <see cref="Client"/> connected with, on success).</summary>
    public ConnectSettings Settings { get; private set; }

    /// <summary>The text currently explaining the state, for tests.</summary>
    internal string Message => _message.Text;

    /// <summary>Validates the fields and starts connecting in the background.</summary>
    public void StartConnect()
    {
        if (_connecting)
        {
            return;
        }

        var user = (_user.Text ?? "").Trim();
        if (user.Length == 0)
        {
            ShowError("Please enter a name.", _user);
            return;
        }

        if (!int.TryParse(_port.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            ShowError("The port must be a number from 1 to 65535.", _port);
            return;
        }

        var host = (_host.Text ?? "").Trim();
        Settings = new ConnectSettings(host.Length == 0 ? ConnectSettings.DefaultHost : host, port, user);
        _connecting = true;
        _connect.Enabled = false;
        _message.Text = $"Connecting to {Settings.Host}:{Settings.Port} as {user}…";
        _ = ConnectAsync(Settings);
    }

    private async Task ConnectAsync(ConnectSettings settings)
    {
        var client = new PiazzaClient(settings.ToClientOptions(reconnect: true));
        try
        {
            await client.ConnectAsync().ConfigureAwait(false);
        }
        catch (PiazzaException ex)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            Post(() => ShowFailure(settings, ex));
            return;
        }

        if (_stopped)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            return;
        }

        Post(() =>
        {
            Client = client;
            RequestStop();
        });
    }

    private void ShowFailure(ConnectSettings settings, PiazzaException ex)
    {
        _connecting = false;
        _connect.Enabled = true;
        switch (ex.Code)
        {
            case ErrorCodes.NameTaken:
                ShowError($"The name '{settings.User}' is taken. Choose another name.", _user);
                break;
            case ErrorCodes.BadName:
                ShowError($"The name '{settings.User}' is not allowed: {ex.Message}. Choose another name.", _user);
                break;
            case PiazzaException.Unreachable:
                ShowError($"Cannot connect: {ex.Message.Replace("cannot connect to ", "", StringComparison.Ordinal)}. Press Enter to retry.", _connect);
                break;
            default:
                ShowError($"Refused ({ex.Code}): {ex.Message}. Press Enter to retry.", _connect);
                break;
        }
    }

    private void ShowError(string text, View focus)
    {
        _message.Text = text;
        focus.SetFocus();
        if (focus is TextField field)
        {
            field.SelectAll();
        }
    }

    private void Post(Action action)
    {
        if (_stopped)
        {
            return;
        }

        _app.Invoke(() =>
        {
            if (!_stopped)
            {
                action();
            }
        });
    }
}
