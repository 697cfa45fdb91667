using System.Globalization;
using Piazza.Client;
using Piazza.Protocol;
using Terminal.Gui.App;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Piazza.Tui;

/// <summary>
/// Asks for name, password, server(s) and port and logs in, registers or connects as a guest. The server field takes
/// one host or a comma list of <c>host[:port]</c> (a cluster's nodes; a host without a port takes the port field's). It stays open while
/// connecting and after a failure, explaining what went wrong, so the user can correct the name or password
/// (auth_failed, name_reserved, name_taken, bad_name), wait (rate_limited) or simply retry (server unreachable).
/// </summary>
internal sealed class LoginWindow : Window
{
    private readonly IApplication _app;
    private readonly TextField _user;
    private readonly TextField _password;
    private readonly TextField _host;
    private readonly TextField _port;
    private readonly Label _message;
    private readonly Button _login;
    private readonly Button _register;
    private readonly Button _guest;
    private Button _lastButton;
    private bool _connecting;
    private volatile bool _stopped;

    public LoginWindow(IApplication app, ConnectSettings settings, string? notice = null)
    {
        _app = app;
        Settings = settings;
        Title = "Piazza · log in";
        X = Pos.Center();
        Y = Pos.Center();
        Width = 66;
        Height = 16;

        var userLabel = new Label { Text = "_Name:", X = 1, Y = 1 };
        _user = new TextField { Text = settings.User ?? "", X = 12, Y = 1, Width = Dim.Fill(1) };
        var passwordLabel = new Label { Text = "Pass_word:", X = 1, Y = 3 };
        _password = new TextField { Text = settings.Password ?? "", Secret = true, X = 12, Y = 3, Width = Dim.Fill(1) };
        var hostLabel = new Label { Text = "_Servers:", X = 1, Y = 5 };
        _host = new TextField { Text = settings.Servers.Count > 1 ? settings.ServerList : settings.Host, X = 12, Y = 5, Width = Dim.Fill(1) };
        var portLabel = new Label { Text = "_Port:", X = 1, Y = 7 };
        _port = new TextField { Text = settings.Port.ToString(CultureInfo.InvariantCulture), X = 12, Y = 7, Width = 7 };
        _message = new Label
        {
            Text = notice is not null ? PrintableText.Escape(notice) : "Enter logs in (as a guest when the password is empty); Tab moves; Esc quits.",
            X = 1,
            Y = 9,
            Width = Dim.Fill(1),
            Height = 2,
        };
        _login = new Button { Text = "_Log in", IsDefault = true, X = 1, Y = Pos.AnchorEnd(1) };
        _register = new Button { Text = "_Register", X = Pos.Right(_login) + 1, Y = Pos.AnchorEnd(1) };
        _guest = new Button { Text = "_Guest", X = Pos.Right(_register) + 1, Y = Pos.AnchorEnd(1) };
        var quit = new Button { Text = "_Quit", X = Pos.AnchorEnd(), Y = Pos.AnchorEnd(1) };
        _lastButton = _login;

        // Enter in any field logs in (or connects as a guest without a password); Handled keeps the window open.
        foreach (var view in new View[] { _user, _password, _host, _port })
        {
            view.Accepting += (_, e) =>
            {
                e.Handled = true;
                StartConnect();
            };
        }

        foreach (var (button, mode) in new[] { (_login, LoginMode.Auto), (_register, LoginMode.Register), (_guest, LoginMode.Guest) })
        {
            button.Accepting += (_, e) =>
            {
                e.Handled = true;
                _lastButton = button;
                StartConnect(mode);
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

        Add(userLabel, _user, passwordLabel, _password, hostLabel, _host, portLabel, _port, _message, _login, _register, _guest, quit);
        _user.SetFocus();
    }

    /// <summary>The connected client once connecting succeeded; null if the user quit.</summary>
    public PiazzaClient? Client { get; private set; }

    /// <summary>The settings last tried (the ones <see cref="Client"/> connected with, on success).</summary>
    public ConnectSettings Settings { get; private set; }

    /// <summary>The text currently explaining the state, for tests.</summary>
    internal string Message => _message.Text;

    /// <summary>Validates the fields and starts connecting in the background; <paramref name="mode"/> says how to identify.</summary>
    public void StartConnect(LoginMode mode = LoginMode.Auto)
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

        var password = _password.Text ?? "";
        if (mode == LoginMode.Register && password.Length == 0)
        {
            ShowError("Choose a password (8 characters or more) to register.", _password);
            return;
        }

        if (!int.TryParse(_port.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            ShowError("The port must be a number from 1 to 65535.", _port);
            return;
        }

        var host = (_host.Text ?? "").Trim();
        IReadOnlyList<ServerEndpoint> servers;
        try
        {
            servers = ServerEndpoint.ParseList([host.Length == 0 ? ConnectSettings.DefaultHost : host], port);
        }
        catch (FormatException ex)
        {
            ShowError($"Servers: {ex.Message} (e.g. host or host:7070,other:7070).", _host);
            return;
        }

        Settings = new ConnectSettings(servers[0].Host, servers[0].Port, user)
        {
            Servers = servers,
            Password = password.Length == 0 ? null : password,
            Mode = mode,
            Room = Settings.Room,
            Tls = Settings.Tls,
        };
        _connecting = true;
        SetButtonsEnabled(false);
        var how = Settings.Mode == LoginMode.Register ? "registering" : Settings.IsGuest ? "as a guest" : "logging in";
        _message.Text = $"Connecting to {Settings.ServerList} as {user} ({how})…";
        _ = ConnectAsync(Settings);
    }

    private void SetButtonsEnabled(bool enabled)
    {
        _login.Enabled = enabled;
        _register.Enabled = enabled;
        _guest.Enabled = enabled;
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
        SetButtonsEnabled(true);
        if (ex.Failure == PiazzaFailure.Unreachable)
        {
            ShowError($"Cannot connect: {ex.Message.Replace("cannot connect to ", "", StringComparison.Ordinal)}. Press Enter to retry.", _lastButton);
            return;
        }

        switch (ex.Code)
        {
            case ErrorCode.NameTaken:
                ShowError($"The name '{settings.User}' is taken. Choose another name.", _user);
                break;
            case ErrorCode.NameConfusable:
                ShowError($"The name '{settings.User}' looks too much like a name that is taken: {ex.Message}.", _user);
                break;
            case ErrorCode.BadName:
                ShowError($"The name '{settings.User}' is not allowed: {ex.Message}. Choose another name.", _user);
                break;
            case ErrorCode.NameReserved:
                ShowError($"'{settings.User}' is a registered name. Enter its password and choose Log in, or pick another name.", _password);
                break;
            case ErrorCode.AuthFailed:
                ShowError("Wrong name or password. Try again.", _password);
                break;
            case ErrorCode.AuthRequired:
                ShowError("This server does not allow guests: enter a password and Log in, or Register.", _password);
                break;
            case ErrorCode.RateLimited:
                ShowError($"Not now: {ex.Message}. Wait, then try again.", _password);
                break;
            default:
                ShowError($"Refused ({ex.WireCode ?? ex.Failure.ToString()}): {ex.Message}. Press Enter to retry.", _lastButton);
                break;
        }
    }

    private void ShowError(string text, View focus)
    {
        _message.Text = PrintableText.Escape(text); // server messages and names quoted in them
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
