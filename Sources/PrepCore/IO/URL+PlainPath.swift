import Foundation

extension URL {
    /// `path`, cheaply, for the file URLs read once per image and per annotation file.
    ///
    /// On Linux `URL.path` rebuilds the file-system path on every call (several thousand
    /// instructions, as much as parsing a gt line), while `path(percentEncoded: false)` returns
    /// the same string for a file URL whose path does not end in `/` (a relative URL resolves
    /// against its base either way). Anything else goes through `path`.
    public var plainPath: String {
        guard isFileURL else { return path }
        let p = path(percentEncoded: false)
        return p.isEmpty || p.utf8.last == 0x2F ? path : p
    }
}
