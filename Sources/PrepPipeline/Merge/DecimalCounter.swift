import Foundation

/// A non-negative counter kept as its decimal text as well, incremented in place (a carry
/// moves one digit left), so the merge by record lengths compares and writes COCO ids as bytes:
/// no number is parsed or formatted per record.
final class DecimalCounter {
    private(set) var value: Int
    /// Digits right-aligned in `width` bytes, the first at `first`.
    private let digits: UnsafeMutablePointer<UInt8>
    private var first: Int
    private static let width = 20

    init(_ value: Int) {
        precondition(value >= 0, "DecimalCounter counts from 0 up")
        self.value = value
        digits = .allocate(capacity: Self.width)
        first = Self.width
        var v = value
        repeat {
            first -= 1
            digits[first] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
        } while v > 0
    }

    deinit { digits.deallocate() }

    /// The decimal text of `value`.
    var text: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: digits + first, count: Self.width - first) }

    var count: Int { Self.width - first }

    /// Whether the `count` bytes at `bytes` are the decimal text of `value`.
    @inline(__always) func isText(at bytes: UnsafePointer<UInt8>) -> Bool {
        memcmp(bytes, digits + first, Self.width - first) == 0
    }

    @inline(__always) func increment() {
        value += 1
        var i = Self.width - 1
        while i >= first && digits[i] == 0x39 {
            digits[i] = 0x30
            i -= 1
        }
        if i >= first {
            digits[i] += 1
        } else {
            first -= 1
            digits[first] = 0x31
        }
    }
}
