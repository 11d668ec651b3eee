using Microsoft.ML.OnnxRuntime;

namespace VisionTracker.Detection;

/// <summary>Parses <c>cpu|cuda[:id]|tensorrt[:id]|auto</c> and configures ONNX Runtime session options for it.</summary>
internal static class ExecutionProviders
{
#if ONNXRUNTIME_GPU
    private const string GpuHint =
        "This is the GPU build (Microsoft.ML.OnnxRuntime.Gpu 1.32): it needs an NVIDIA driver and the CUDA 13 and cuDNN 9 libraries " +
        "on the library path (TensorRT 10 as well for tensorrt); the library it could not load is named above. Or use --device cpu.";
#else
    private const string GpuHint =
        "It needs the GPU build of ONNX Runtime: build with `dotnet build -p:OnnxRuntimeGpu=true` (references Microsoft.ML.OnnxRuntime.Gpu) " +
        "and install the NVIDIA driver with CUDA 13 and cuDNN 9 (TensorRT 10 for tensorrt); or use --device cpu.";
#endif

    /// <summary>The providers the installed ONNX Runtime package can load.</summary>
    public static IReadOnlyList<string> Available()
    {
        try
        {
            return OrtEnv.Instance().GetAvailableProviders();
        }
        catch (OnnxRuntimeException)
        {
            return ["CPUExecutionProvider"];
        }
    }

    /// <summary>Parses a device string into (kind, device id).</summary>
    /// <exception cref="VisionTrackerException">The string is not one of the supported forms.</exception>
    public static (string Kind, int DeviceId) Parse(string device)
    {
        string d = (device ?? "cpu").Trim().ToLowerInvariant();
        string kind = d;
        int id = 0;
        int colon = d.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            kind = d[..colon];
            if (!int.TryParse(d[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id))
            {
                throw new VisionTrackerException($"Bad device '{device}': the device id after ':' must be a number, as in cuda:0.");
            }
        }

        if (kind is not ("cpu" or "cuda" or "tensorrt" or "auto") || (colon >= 0 && kind is "cpu" or "auto"))
        {
            throw new VisionTrackerException($"Unknown device '{device}'. Use cpu, cuda[:id], tensorrt[:id] or auto.");
        }

        return (kind, id);
    }

    /// <summary>
    /// Appends the provider to <paramref name="options"/>. Returns the provider in use (cpu, cuda:N, tensorrt:N).
    /// Only <c>auto</c> falls back (tensorrt, then cuda, then cpu), and it logs the fallback once.
    /// </summary>
    /// <exception cref="VisionTrackerException">An explicit provider cannot be loaded by the installed package.</exception>
    public static string Configure(SessionOptions options, string device, Action<string> log)
    {
        var (kind, id) = Parse(device);
        var available = Available();
        switch (kind)
        {
            case "cpu":
                return "cpu";
            case "cuda":
            case "tensorrt":
                {
                    if (TryAppend(options, kind, id, available, out string? why))
                    {
                        return $"{kind}:{id}";
                    }

                    throw new VisionTrackerException($"Execution provider '{kind}' is not available: {why}. {GpuHint}");
                }

            default:
                {
                    var reasons = new List<string>();
                    foreach (string k in new[] { "tensorrt", "cuda" })
                    {
                        if (TryAppend(options, k, id, available, out string? why))
                        {
                            return $"{k}:{id}";
                        }

                        reasons.Add($"{k}: {why}");
                    }

                    log($"device auto: falling back to cpu ({string.Join("; ", reasons)}).");
                    return "cpu";
                }
        }
    }

    private static bool TryAppend(SessionOptions options, string kind, int id, IReadOnlyList<string> available, out string? why)
    {
        string ep = kind == "cuda" ? "CUDAExecutionProvider" : "TensorrtExecutionProvider";
        if (!available.Contains(ep))
        {
            why = $"the installed ONNX Runtime offers only {string.Join(", ", available)}";
            return false;
        }

        try
        {
            if (kind == "cuda")
            {
                options.AppendExecutionProvider_CUDA(id);
            }
            else
            {
                // TensorRT takes the subgraphs it supports; CUDA, appended after it, runs the rest on the same GPU.
                options.AppendExecutionProvider_Tensorrt(id);
                if (available.Contains("CUDAExecutionProvider"))
                {
                    options.AppendExecutionProvider_CUDA(id);
                }
            }

            why = null;
            return true;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            why = ex.Message.ReplaceLineEndings(" ");
            return false;
        }
    }
}
