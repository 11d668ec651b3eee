namespace VisionTracker.Detection;

/// <summary>DETR-family output layouts, recognised from output names and shapes (never from the file name).</summary>
public enum OutputLayout
{
    /// <summary>RT-DETR / D-FINE / DEIM deploy: inputs images + orig_target_sizes; outputs labels, boxes (xyxy pixels), scores.</summary>
    RtDetr,

    /// <summary>Original DETR: pred_logits [N,Q,C+1] (softmax, last = no object), pred_boxes [N,Q,4] cxcywh normalised.</summary>
    Detr,

    /// <summary>RF-DETR: dets [N,Q,4] cxcywh normalised, labels [N,Q,C] raw logits (sigmoid, top-k).</summary>
    RfDetr,
}
