namespace VisionTracker.Evaluation;

/// <summary>
/// One sequence, one class, ready for the metrics (TrackEval's preprocessed <c>data</c> dict): per timestep the
/// contiguous gt and tracker ids (0..n-1) and the gt x tracker IoU matrix (row-major).
/// </summary>
internal sealed class SequenceData
{
    public SequenceData(string name, int[][] gtIds, int[][] trackerIds, double[][] similarity)
    {
        Name = name;
        GtIds = gtIds;
        TrackerIds = trackerIds;
        Similarity = similarity;
        int maxGt = -1, maxTr = -1;
        for (int t = 0; t < gtIds.Length; t++)
        {
            NumGtDets += gtIds[t].Length;
            NumTrackerDets += trackerIds[t].Length;
            foreach (int g in gtIds[t])
            {
                maxGt = Math.Max(maxGt, g);
            }

            foreach (int k in trackerIds[t])
            {
                maxTr = Math.Max(maxTr, k);
            }
        }

        NumGtIds = maxGt + 1;
        NumTrackerIds = maxTr + 1;
    }

    /// <summary>Gets the sequence name.</summary>
    public string Name { get; }

    /// <summary>Gets the number of timesteps.</summary>
    public int NumTimesteps => GtIds.Length;

    /// <summary>Gets contiguous gt ids per timestep.</summary>
    public int[][] GtIds { get; }

    /// <summary>Gets contiguous tracker ids per timestep.</summary>
    public int[][] TrackerIds { get; }

    /// <summary>Gets IoU per timestep, row-major [gt, tracker].</summary>
    public double[][] Similarity { get; }

    /// <summary>Gets the number of distinct gt ids.</summary>
    public int NumGtIds { get; }

    /// <summary>Gets the number of distinct tracker ids.</summary>
    public int NumTrackerIds { get; }

    /// <summary>Gets the number of gt boxes.</summary>
    public int NumGtDets { get; }

    /// <summary>Gets the number of tracker boxes.</summary>
    public int NumTrackerDets { get; }
}
