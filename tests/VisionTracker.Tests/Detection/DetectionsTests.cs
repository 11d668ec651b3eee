using VisionTracker.Detection;
using VisionTracker.Geometry;

namespace VisionTracker.Tests.Detection;

public class DetectionsTests
{
    private static Detections Three() => new(
        [new BoxF(0, 0, 1, 1), new BoxF(1, 1, 2, 2), new BoxF(2, 2, 3, 3)],
        [0.9f, 0.2f, 0.5f],
        [0, 39, 0],
        [1, 0, 0, 1, 0.5f, 0.5f],
        2);

    [Fact]
    public void Constructor_MismatchedColumns_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Detections([new BoxF(0, 0, 1, 1)], [0.5f, 0.6f], [0]));
        Assert.Throws<ArgumentException>(() => new Detections([new BoxF(0, 0, 1, 1)], [0.5f], [0], [1f, 2f, 3f], 2));
        Assert.Throws<ArgumentException>(() => new Detections([new BoxF(0, 0, 1, 1)], [0.5f], [0], trackIds: [1, 2]));
    }

    [Fact]
    public void WithMinScore_KeepsRowsAndEmbeddingsInOrder()
    {
        var d = Three().WithMinScore(0.5f);
        Assert.Equal(2, d.Count);
        Assert.Equal([0.9f, 0.5f], d.Scores.ToArray());
        Assert.Equal([0.5f, 0.5f], d.Embedding(1).ToArray());
    }

    [Fact]
    public void WithClasses_FiltersByClassId()
    {
        var d = Three().WithClasses(new HashSet<int> { 39 });
        Assert.Equal(1, d.Count);
        Assert.Equal(new BoxF(1, 1, 2, 2), d.Boxes[0]);
    }

    [Fact]
    public void Merge_DropsOptionalColumnsUnlessAllHaveThem()
    {
        var a = Three();
        var b = new Detections([new BoxF(5, 5, 6, 6)], [0.7f], [2]);
        var m = Detections.Merge([a, b, Detections.Empty]);
        Assert.Equal(4, m.Count);
        Assert.False(m.HasEmbeddings);
        var m2 = Detections.Merge([a, a]);
        Assert.True(m2.HasEmbeddings);
        Assert.Equal(12, m2.Embeddings.Length);
    }

    [Fact]
    public void CocoClasses_UnknownName_ListsValidNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => CocoClasses.Parse("bottle,unicorn"));
        Assert.Contains("unicorn", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bottle", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new HashSet<int> { 39, 0 }, CocoClasses.Parse("bottle, Person"));
    }
}
