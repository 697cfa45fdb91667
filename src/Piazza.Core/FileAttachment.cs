namespace Piazza.Core;

/// <summary>
/// A stored file as a message shows it: <see cref="Id"/> for downloads, the sanitised <see cref="Name"/>, the size in
/// bytes, the MIME type the server serves it with, and the SHA-256 of the content (lower-case hex).
/// </summary>
public sealed record FileAttachment(string Id, string Name, long Size, string Mime, string Sha256);
