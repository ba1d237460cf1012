import Foundation

/// The one test every reader applies to a file name read from an annotation or label file: an
/// absolute name or one with a `..` component would read a file outside the folder it is
/// relative to (`-i`, the dataset's image folder), so such a name is refused, not followed.
public enum ContainedName {
    /// Whether `name` leaves the folder it is relative to.
    public static func leavesFolder(_ name: String) -> Bool {
        name.hasPrefix("/") || name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }

    /// The skip reason for such a name.
    public static func reason(_ name: String) -> String { "image name '\(name)' leaves the image folder" }
}
