using Skuld.Server;

var app = SkuldApp.Build(args);
await app.RunAsync();
