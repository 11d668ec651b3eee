using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Tracking;

namespace VisionTracker.Tests.Tracking;

public class TrackerOutputTests
{
    /// <summary>One person moving right at constant speed, every detection jittered by ±4 px.</summary>
    private static List<Detections> Jittered() =>
        Enumerable.Range(0, 12)
            .Select(f => new Detections([BoxF.FromCxcywh(100 + (10 * f) + (f % 2 == 0 ? 4 : -4), 200, 40, 100)], [0.9f], [0]))
            .ToList();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OutputKalmanBoxes_SmoothsOutputOnlyWhenAsked(bool kalman)
    {
        var tracker = new IouTracker(TrackerOptions.Default with { OutputKalmanBoxes = kalman });
        var frames = Jittered();
        int differing = 0;
        var errors = new List<float>();
        for (int f = 0; f < frames.Count; f++)
        {
            Detections outp = tracker.Update(frames[f], f / 10.0);
            Assert.Equal(1, outp.Count);
            Assert.Equal(1, outp.TrackIds[0]);
            if (outp.Boxes[0] != frames[f].Boxes[0])
            {
                differing++;
            }

            if (f >= 4)
            {
                errors.Add(MathF.Abs(outp.Boxes[0].CenterX - (100 + (10 * f))));
            }
        }

        if (kalman)
        {
            Assert.True(differing >= frames.Count - 2, $"only {differing} smoothed boxes");

            // Once the velocity has settled, the filtered centre is nearer the true path than the ±4 px detections.
            Assert.True(errors.Average() < 4f, $"mean error {errors.Average()} px");
        }
        else
        {
            Assert.Equal(0, differing);
            Assert.All(errors, e => Assert.Equal(4f, e, 3));
        }
    }
}
