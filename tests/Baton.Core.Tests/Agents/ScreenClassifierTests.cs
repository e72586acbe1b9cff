using System.Text.RegularExpressions;
using Baton.Core.Agents;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Agents;

public sealed class ScreenClassifierTests
{
    private static readonly AgentProfile Profile = new()
    {
        Name = "t",
        Command = ["t"],
        Screen = new ScreenRules
        {
            RegionAnchor = new Regex("^>( |$)"),
            RegionLines = 2,
            Ready = new Regex("^>( |$)"),
            Busy = new Regex("esc to interrupt"),
            Waiting = new Regex(@"\[y/n\]"),
            InputLine = new Regex("^>(?: (.*))?$"),
        },
        Startup = [new StartupRule("trust", new Regex("Do you trust"), ["y"])],
    };

    [Fact]
    public void Stale_text_above_the_region_cannot_fool_it()
    {
        // An old answer higher up quotes the busy marker; only the status and input lines count.
        var screen = "● the footer said esc to interrupt earlier\n· ready\n> \n\n";

        Assert.Equal(WorkerState.Idle, ScreenClassifier.Classify(Profile, screen).State);
    }

    [Fact]
    public void Waiting_outranks_busy_and_busy_outranks_ready()
    {
        Assert.Equal(WorkerState.Waiting, ScreenClassifier.Classify(Profile, "x\n? Allow: write [y/n]\n>").State);
        Assert.Equal(WorkerState.Busy, ScreenClassifier.Classify(Profile, "x\n⠿ working (esc to interrupt)\n> typed").State);
    }

    [Fact]
    public void A_start_up_dialog_is_reported_with_its_rule()
    {
        var v = ScreenClassifier.Classify(Profile, "Do you trust the files in this folder? (y/n)");

        Assert.Equal((WorkerState.Starting, "trust"), (v.State, v.StartupRule));
    }

    [Fact]
    public void Input_text_is_what_sits_in_the_input_line()
    {
        Assert.Equal("half typed", ScreenClassifier.InputText(Profile.Screen, "· ready\n> half typed"));
        Assert.Equal("", ScreenClassifier.InputText(Profile.Screen, "· ready\n>"));
        Assert.Null(ScreenClassifier.InputText(Profile.Screen, "starting…"));
    }

    [Fact]
    public void Nothing_matched_says_so()
    {
        var v = ScreenClassifier.Classify(Profile, "booting\n");

        Assert.Null(v.State);
        Assert.Contains("no pattern", v.Evidence);
    }
}
