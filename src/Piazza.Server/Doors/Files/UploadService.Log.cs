using Microsoft.Extensions.Logging;

namespace Piazza.Server.Doors.Files;

public sealed partial class UploadService
{
    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "file {FileId} deleted (content reclaimed: {Reclaimed})")]
        public static partial void FileDeleted(ILogger logger, string fileId, bool reclaimed);

        [LoggerMessage(Level = LogLevel.Information, Message = "upload {UploadId} created by {Owner}: {Length} bytes, '{Name}'")]
        public static partial void UploadCreated(ILogger logger, string uploadId, string owner, long length, string name);

        // Debug: a flood would otherwise write a line per refused request.
        [LoggerMessage(Level = LogLevel.Debug, Message = "upload creation by {Owner} refused: over the uploads-per-minute rate")]
        public static partial void UploadsRateLimited(ILogger logger, string owner);

        [LoggerMessage(Level = LogLevel.Information, Message = "upload {UploadId} interrupted at offset {Offset}")]
        public static partial void UploadInterrupted(ILogger logger, string uploadId, long offset);

        [LoggerMessage(Level = LogLevel.Warning, Message = "upload {UploadId}: SHA-256 mismatch (declared {Declared}, received {Actual}); discarded")]
        public static partial void UploadHashMismatch(ILogger logger, string uploadId, string declared, string actual);

        [LoggerMessage(Level = LogLevel.Error, Message = "upload {UploadId}: storage error: {Problem}")]
        public static partial void UploadIoFailed(ILogger logger, string uploadId, string problem);

        [LoggerMessage(Level = LogLevel.Information, Message = "upload {UploadId}: another request holds its lock (on another node, or the one this node's request is replacing); answered upload_busy")]
        public static partial void UploadBusy(ILogger logger, string uploadId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The files folder {Folder} is open to other users (shared files, possibly private ones): chmod o-rwx it")]
        public static partial void FilesFolderOpenToOthers(ILogger logger, string folder);

        [LoggerMessage(Level = LogLevel.Warning, Message = "DOTNET_SYSTEM_IO_DISABLEFILELOCKING is set: nodes sharing the files folder cannot keep two requests from writing one upload at once")]
        public static partial void FileLockingDisabled(ILogger logger);

        [LoggerMessage(Level = LogLevel.Information, Message = "file {FileId} stored from upload {UploadId}: {Size} bytes, sha256 {Sha256}")]
        public static partial void FileStored(ILogger logger, string fileId, string uploadId, long size, string sha256);
    }
}
