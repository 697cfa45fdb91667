namespace Piazza.Client.Internal;

/// <summary>The MIME type announced for an upload, from the file name's extension; the server has the last word.</summary>
internal static class MimeTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".svg"] = "image/svg+xml",
        [".txt"] = "text/plain",
        [".md"] = "text/markdown",
        [".csv"] = "text/csv",
        [".json"] = "application/json",
        [".pdf"] = "application/pdf",
        [".zip"] = "application/zip",
        [".gz"] = "application/gzip",
        [".tar"] = "application/x-tar",
        [".mp3"] = "audio/mpeg",
        [".mp4"] = "video/mp4",
    };

    /// <summary>The type for a name like <c>photo.JPG</c>; <c>application/octet-stream</c> when unknown.</summary>
    public static string ForName(string name)
        => ByExtension.TryGetValue(Path.GetExtension(name ?? ""), out var mime) ? mime : "application/octet-stream";
}
