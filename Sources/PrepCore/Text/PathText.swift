/// Path arithmetic on names read from annotation files. Foundation's `NSString` path methods
/// trap on some strings (the fuzz pass found `lastPathComponent` crashing in
/// swift-corelibs-foundation on a mutated MJSynth line), so names from input are split here, on
/// `/` only, without Foundation.
public enum PathText {
    /// The last non-empty `/`-separated component (`a/b/c.jpg` → `c.jpg`, `a/b/` → `b`).
    public static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? (path.hasPrefix("/") ? "/" : "")
    }

    /// `name` without the extension of its last component (`x_WORD_1.jpg` → `x_WORD_1`,
    /// `a.b/c` stays, `.hidden` stays).
    public static func deletingExtension(_ name: String) -> String {
        let start = name.lastIndex(of: "/").map { name.index(after: $0) } ?? name.startIndex
        guard let dot = name[start...].lastIndex(of: "."), dot != start else { return name }
        return String(name[..<dot])
    }
}
