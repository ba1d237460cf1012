// SplitMix64 lives in PrepRandom (shared with PrepNN, whose `RNG` it is); re-exported so every
// user of PrepCore sees it as before.
@_exported import PrepRandom
