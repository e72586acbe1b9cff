using System.Text.RegularExpressions;
using Baton.Core;
using Baton.Core.Config;
using Baton.Infrastructure.Config;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Config;

/// <summary>
/// config.yaml is stated once, in ConfigSchema: the template `baton init` writes, the record defaults,
/// the loader's ranges and docs/configuration.md must all say what the table says; a change to one
/// of them alone fails here.
/// </summary>
public sealed partial class ConfigSchemaTests
{
    public static TheoryData<string> Keys() => [.. ConfigSchema.Keys.Select(k => k.Path)];

    private static ConfigKey Key(string path) => ConfigSchema.Keys.Single(k => k.Path == path);

    [Fact]
    public void The_file_init_writes_is_the_table()
    {
        using var repo = new TestRepo();

        Assert.Equal(ConfigSchema.Template(), File.ReadAllText(Path.Combine(repo.Dir, ".baton", "config.yaml")));
        Assert.Equal(ConfigSchema.Keys.Count, ConfigSchema.Keys.Select(k => k.Path).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void The_record_default_and_the_parsed_template_are_the_tables_default(string path)
    {
        var key = Key(path);
        var expected = key.Type == ConfigValueType.Duration ? Durations.Format(Durations.Parse(key.Default, bareSeconds: true)!.Value) : key.Default;

        Assert.Equal(expected, key.Read(BatonConfig.Default));
        Assert.Equal(expected, key.Read(ConfigLoader.Parse("config.yaml", ConfigSchema.Template())));
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void The_loader_allows_exactly_the_tables_range(string path)
    {
        var key = Key(path);
        switch (key.Type)
        {
            case ConfigValueType.Int:
                var min = long.Parse(key.Min!, System.Globalization.CultureInfo.InvariantCulture);
                var max = long.Parse(key.Max!, System.Globalization.CultureInfo.InvariantCulture);
                Accepted(key, key.Min!);
                Accepted(key, key.Max!);
                Refused(key, (min - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"allowed range is {min} to {max}");
                Refused(key, (max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"allowed range is {min} to {max}");
                break;
            case ConfigValueType.Map:
                Accepted(key, "{x: " + key.Min + "}");
                Accepted(key, "{x: " + key.Max + "}");
                Refused(key, "{x: " + (long.Parse(key.Min!, System.Globalization.CultureInfo.InvariantCulture) - 1) + "}", $"allowed range is {key.Min} to {key.Max}");
                break;
            case ConfigValueType.Duration:
                var low = Durations.Parse(key.Min!, true)!.Value;
                var high = Durations.Parse(key.Max!, true)!.Value;
                var range = $"allowed range is {Durations.Format(low)} to {Durations.Format(high)}";
                Accepted(key, key.Min!);
                Accepted(key, key.Max!);
                if (low > TimeSpan.Zero)
                {
                    Refused(key, Durations.Format(low - TimeSpan.FromMilliseconds(1)), range);
                }

                Refused(key, Durations.Format(high + TimeSpan.FromSeconds(1)), range);
                break;
            case ConfigValueType.Choice:
                Accepted(key, key.Min!);
                Accepted(key, key.Max!);
                Refused(key, "neither", $"allowed values are {key.Min}, {key.Max}");
                break;
            default:
                Assert.Null(key.Min);
                Assert.Null(key.Max);
                break;
        }
    }

    [Fact]
    public void The_documented_file_lists_every_key_with_the_tables_default()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "configuration.md"));
        var block = doc[(doc.IndexOf("```yaml\n", StringComparison.Ordinal) + 8)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        var documented = new List<string>();
        string? section = null;
        foreach (var line in block.Split('\n'))
        {
            if (SectionLine().Match(line) is { Success: true } s)
            {
                section = s.Groups[1].Value;
            }
            else if (KeyLine().Match(line) is { Success: true } k)
            {
                var path = section + "." + k.Groups[1].Value;
                documented.Add(path);
                var key = ConfigSchema.Keys.SingleOrDefault(x => x.Path == path);
                Assert.True(key is not null, $"docs/configuration.md documents {path}, which config.yaml does not have");
                Assert.True(key.Default == k.Groups[2].Value, $"docs/configuration.md gives {path} the default {k.Groups[2].Value}; the schema says {key.Default}");
                if (key.Type is ConfigValueType.Int or ConfigValueType.Duration && key.Min is { } min && key.Max is { } max && key.Name is not ("retry_base" or "retry_max"))
                {
                    // Written beside the key, or beside the first of the keys it shares a line with.
                    Assert.True(Section(block, section!).Contains($"{min}-{max}", StringComparison.Ordinal), $"docs/configuration.md does not give {path} the range {min}-{max}");
                }
            }
        }

        Assert.Equal(ConfigSchema.Keys.Select(k => k.Path).Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    /// <summary>The lines of one section of the documented file.</summary>
    private static string Section(string block, string section)
    {
        var rest = block[Regex.Match(block, $"(?m)^{section}:").Index..];
        var next = SectionLine().Match(rest, 1);
        return next.Success ? rest[..next.Index] : rest;
    }

    private static string Yaml(ConfigKey key, string value) =>
        $"{key.Section}:\n  {key.Name}: {value}\n" + key.Path switch
        {
            "autopilot.retry_max" => "  retry_base: 0s\n", // retry_max may not be shorter than retry_base
            "autopilot.retry_base" => "  retry_max: 24h\n",
            _ => "",
        };

    private static void Accepted(ConfigKey key, string value) => ConfigLoader.Parse("c.yaml", Yaml(key, value));

    private static void Refused(ConfigKey key, string value, string says)
    {
        var e = Assert.ThrowsAny<BatonException>(() => ConfigLoader.Parse("c.yaml", Yaml(key, value)));
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^([a-z_]+):", RegexOptions.Multiline)]
    private static partial Regex SectionLine();

    [GeneratedRegex(@"^  ([a-z_]+): (""[^""]*""|\S+)")]
    private static partial Regex KeyLine();
}
