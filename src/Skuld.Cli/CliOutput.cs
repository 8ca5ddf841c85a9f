using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Skuld.Cli;

/// <summary>Where a command writes: readable Spectre.Console output, one JSON object, or an error on stderr.</summary>
public sealed class CliOutput
{
    private readonly TextWriter output;
    private readonly TextWriter error;

    public CliOutput(TextWriter output, TextWriter error)
    {
        this.output = output;
        this.error = error;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Detect,
        });
        if (!Console.Profile.Out.IsTerminal)
        {
            // Redirected output defaults to 80 columns; wider keeps ids and secrets on one line for scripts and logs.
            Console.Profile.Width = 200;
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public IAnsiConsole Console { get; }

    /// <summary>One JSON object with camelCase names: the contract scripts rely on.</summary>
    public int Json<T>(T value)
    {
        output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
        return SkuldCli.Ok;
    }

    /// <summary>A headline and label/value rows, values escaped (a password may contain markup brackets).</summary>
    public int Details(string headline, params (string Label, string Value)[] rows)
    {
        Console.MarkupLine($"[green]✓[/] {headline}");
        var grid = new Grid().AddColumn(new GridColumn().PadLeft(2).PadRight(2)).AddColumn();
        foreach (var (label, value) in rows)
        {
            grid.AddRow(new IRenderable[] { new Text(label, new Style(Color.Grey)), new Text(value) });
        }

        Console.Write(grid);
        return SkuldCli.Ok;
    }

    public void Line(string markup) => Console.MarkupLine(markup);

    /// <summary>Text written as is: a command to copy must not be wrapped or styled.</summary>
    public void Raw(string text) => output.WriteLine(text);

    public int Fail(string message, int exitCode = SkuldCli.Failed)
    {
        error.WriteLine($"skuld: {message}");
        return exitCode;
    }
}
