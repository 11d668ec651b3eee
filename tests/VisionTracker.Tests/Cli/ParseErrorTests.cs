using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Cli;

/// <summary>Command-line mistakes are bad input (exit 2, one line each, a pointer to --help), never the "bug" exit code.</summary>
[Collection("VideoCli")]
public class ParseErrorTests
{
    [Theory]
    [InlineData(new[] { "track", "x.mp4", "--tracker", "foo" }, "'foo'", "vtrack track --help")] // value outside the allowed set
    [InlineData(new[] { "bogus" }, "bogus", "vtrack --help")]                                     // unknown command
    [InlineData(new[] { "track" }, "source", "vtrack track --help")]                              // missing argument
    [InlineData(new[] { "eval", "--gt" }, "--gt", "vtrack eval --help")]                         // option without its value
    public async Task ParseError_ExitsWithBadInputAndNamesTheProblem(string[] args, string mentions, string hint)
    {
        var (code, _, err) = await CliRunner.RunAsync(args);
        Assert.Equal(2, code);
        Assert.Contains(mentions, err, StringComparison.Ordinal);
        Assert.Contains(hint, err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }
}
