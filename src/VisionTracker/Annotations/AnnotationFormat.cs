namespace VisionTracker.Annotations;

/// <summary>The track file formats that convert reads and writes.</summary>
internal enum AnnotationFormat
{
    /// <summary>MOTChallenge txt.</summary>
    Mot,

    /// <summary>CVAT for video 1.1 XML.</summary>
    Cvat,

    /// <summary>COCO-video (TAO) JSON.</summary>
    CocoVideo,
}
