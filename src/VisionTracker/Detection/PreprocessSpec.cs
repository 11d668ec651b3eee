namespace VisionTracker.Detection;

/// <summary>How a model expects its input image, from its manifest entry.</summary>
/// <param name="Resize">Resize mode: <c>stretch</c> (plain resize to the input size) or <c>letterbox</c> (keep aspect, pad).</param>
/// <param name="ColorOrder"><c>rgb</c> or <c>bgr</c>.</param>
/// <param name="Scale">Multiplier applied to 8-bit pixel values before mean/std (1/255 for [0,1] input).</param>
/// <param name="Mean">Per-channel mean subtracted after scaling, in the model's channel order.</param>
/// <param name="Std">Per-channel standard deviation divided after the mean.</param>
public sealed record PreprocessSpec(string Resize, string ColorOrder, float Scale, float[] Mean, float[] Std)
{
    /// <summary>DEIM / D-FINE / RT-DETR deploy defaults: plain resize, RGB, [0,1], no normalisation.</summary>
    public static PreprocessSpec DetrDefault { get; } = new("stretch", "rgb", 1f / 255f, [0f, 0f, 0f], [1f, 1f, 1f]);

    /// <summary>ImageNet normalisation (OSNet and most backbones).</summary>
    public static PreprocessSpec ImageNet { get; } = new("stretch", "rgb", 1f / 255f, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);
}
