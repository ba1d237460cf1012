/// The lean core's engine: float32 tensors, layers with explicit forward and backward, losses,
/// optimizers, safetensors. Knows nothing of OCR or files beyond safetensors (DESIGN.md §2b).
/// How a trainer uses it: `API.md` beside this file.
public enum PrepNN {}
