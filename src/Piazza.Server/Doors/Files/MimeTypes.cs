using Microsoft.AspNetCore.StaticFiles;

namespace Piazza.Server.Doors.Files;

/// <summary>The one rule for the type a file is served with.</summary>
public static class MimeTypes
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>The MIME type a file is served with: by its extension, else a well-formed declared type, else binary.</summary>
    public static string Of(string name, string? declaredType)
    {
        if (ContentTypes.TryGetContentType(name, out var byExtension))
        {
            return byExtension;
        }

        return declaredType is { Length: > 2 and <= 100 } && declaredType.Count(c => c == '/') == 1 && declaredType.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '+' or '-' or '_')
            ? declaredType.ToLowerInvariant()
            : "application/octet-stream";
    }
}
