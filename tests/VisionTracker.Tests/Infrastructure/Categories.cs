namespace VisionTracker.Tests.Infrastructure;

/// <summary>
/// Test categories. Tests that need real models, videos or datasets carry <c>[Trait("Category", RealData)]</c>;
/// the rest (geometry, assignment, metrics, formats) are fast: <c>dotnet test --filter Category!=RealData</c>.
/// </summary>
internal static class Categories
{
    public const string RealData = "RealData";
}
