using Skuld.Cli;

return await SkuldCli.RunAsync(args, Console.Out, Console.Error);
