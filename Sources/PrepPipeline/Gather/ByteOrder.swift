import Foundation
import PrepCore

/// `names` sorted in UTF-8 byte order (`NameTable.sorted`), the order listings are sorted in so
/// that outputs never depend on directory order. Sorting the 20,000 names of a folder cost ~26 M
/// instructions through `String`'s comparison.
func sortedByUTF8(_ names: [String]) -> [String] {
    NameTable(names).sorted(Array(names.indices)).map { names[$0] }
}
