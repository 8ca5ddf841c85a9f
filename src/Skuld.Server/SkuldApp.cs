using Skuld.Server.Auth;
using Skuld.Store;

namespace Skuld.Server;

/// <summary>Builds the Skuld web application: the table of contents of the server.</summary>
public static class SkuldApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSkuldStore(builder.Configuration["Skuld:Store"] is { } store ? StoreLocation.Parse(store) : StoreLocation.Default);
        builder.Services.AddSkuldAuth();
        var app = builder.Build();
        app.UseSkuldAuth();
        app.MapSkuldAuth();
        return app;
    }
}
