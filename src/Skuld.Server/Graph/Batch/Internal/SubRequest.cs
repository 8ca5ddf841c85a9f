using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Skuld.Server.Graph.Batch.Internal;

/// <summary>
/// One batch step as an in-memory HTTP exchange: a fresh <see cref="HttpContext"/> with its own service
/// scope (so its own <c>SkuldDb</c>), the batch's Authorization, Host and connection, and a response
/// captured in memory and read back as a batch response entry.
/// </summary>
internal sealed class SubRequest : IAsyncDisposable
{
    private readonly SubResponseFeature _response = new();
    private readonly MemoryStream _responseBody = new();
    private readonly StreamResponseBodyFeature _responseBodyFeature;
    private readonly AsyncServiceScope _scope;

    private SubRequest(HttpContext batch, string method, PathString path, QueryString query, IHeaderDictionary headers, byte[] body)
    {
        _responseBodyFeature = new StreamResponseBodyFeature(_responseBody);
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Protocol = batch.Request.Protocol,
            Scheme = batch.Request.Scheme,
            Method = method,
            PathBase = batch.Request.PathBase,
            Path = path,
            QueryString = query.Value ?? "",
            RawTarget = path.Add(query).ToString(),
            Headers = headers,
            Body = new MemoryStream(body, writable: false),
        });
        features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(body.Length > 0));
        features.Set<IHttpResponseFeature>(_response);
        features.Set<IHttpResponseBodyFeature>(_responseBodyFeature);
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = batch.RequestAborted });
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = batch.Connection.Id,
            RemoteIpAddress = batch.Connection.RemoteIpAddress,
            RemotePort = batch.Connection.RemotePort,
            LocalIpAddress = batch.Connection.LocalIpAddress,
            LocalPort = batch.Connection.LocalPort,
        });
        _scope = batch.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        Context = new DefaultHttpContext(features)
        {
            RequestServices = _scope.ServiceProvider,
            // Each step is a request of its own in logs and error envelopes.
            TraceIdentifier = Guid.NewGuid().ToString("D"),
        };
    }

    public HttpContext Context { get; }

    /// <summary>
    /// The step as a request under <c>/v1.0</c>, or null when its url is not a relative Graph url
    /// (absolute, leaving <c>/v1.0</c>, or a nested <c>$batch</c>) or its body cannot be sent.
    /// </summary>
    public static SubRequest? For(HttpContext batch, BatchStep step)
    {
        if (!TryResolve(step.Url, out var path, out var query) || !TryEncode(step, out var body, out var contentType))
        {
            return null;
        }

        IHeaderDictionary headers = new HeaderDictionary();
        foreach (var (name, value) in step.Headers)
        {
            headers[name] = value;
        }

        // Every step is authorised as the batch is (Graph takes the token from the batch request).
        headers.Authorization = batch.Request.Headers.Authorization;
        headers.Host = batch.Request.Headers.Host;
        headers.ContentLength = body.Length > 0 ? body.Length : null;
        if (body.Length > 0 && contentType is not null)
        {
            headers.ContentType = contentType;
        }

        return new SubRequest(batch, step.Method, path, query, headers, body);
    }

    /// <summary>A request for the batch's own base url, to answer a step that could not be made into one.</summary>
    public static SubRequest Bare(HttpContext batch, BatchStep step) =>
        new(batch, step.Method, "/v1.0", QueryString.Empty, new HeaderDictionary { [HeaderNames.Host] = batch.Request.Headers.Host }, []);

    /// <summary>Finishes the response (OnStarting callbacks, body flush) and reads it as a batch response entry.</summary>
    public async Task<JsonObject> ReadResponseAsync(string id)
    {
        await _response.StartAsync();
        await _responseBodyFeature.CompleteAsync();
        await _response.CompleteAsync();

        var entry = new JsonObject { ["id"] = id, ["status"] = _response.StatusCode };
        var headers = new JsonObject();
        foreach (var (name, values) in _response.Headers)
        {
            headers[name] = values.ToString();
        }

        entry["headers"] = headers;
        var bytes = _responseBody.ToArray();
        if (bytes.Length > 0)
        {
            entry["body"] = IsJson(_response.Headers.ContentType) ? JsonNode.Parse(bytes) : Convert.ToBase64String(bytes);
        }

        return entry;
    }

    public async ValueTask DisposeAsync() => await _scope.DisposeAsync();

    /// <summary>
    /// A relative url such as <c>/users/{id}</c> or <c>users?$select=id</c>, resolved against <c>/v1.0/</c>.
    /// The Graph SDK sends urls unescaped (spaces, quotes); <see cref="Uri"/> escapes them again.
    /// </summary>
    private static bool TryResolve(string url, out PathString path, out QueryString query)
    {
        path = default;
        query = default;
        if (url.Contains("://", StringComparison.Ordinal) || url.StartsWith("//", StringComparison.Ordinal)
            || !Uri.TryCreate(new Uri("http://batch.invalid/v1.0/"), url.TrimStart('/'), out var uri)
            || uri.Host != "batch.invalid")
        {
            return false;
        }

        path = PathString.FromUriComponent(uri);
        query = QueryString.FromUriComponent(uri);
        return path.StartsWithSegments("/v1.0", StringComparison.OrdinalIgnoreCase, out var rest)
            && rest.HasValue && rest != "/"
            && !path.StartsWithSegments(BatchEndpoints.Path, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>JSON bodies are sent as written; a non-JSON body comes base64-encoded in a JSON string, as the Graph SDK writes it.</summary>
    private static bool TryEncode(BatchStep step, out byte[] body, out string? contentType)
    {
        body = [];
        step.Headers.TryGetValue("Content-Type", out contentType);
        if (step.Body is null)
        {
            return true;
        }

        contentType ??= "application/json";
        if (IsJson(contentType))
        {
            body = Encoding.UTF8.GetBytes(step.Body.ToJsonString());
            return true;
        }

        try
        {
            body = Convert.FromBase64String(step.Body.GetValue<string>());
            return true;
        }
        catch (Exception error) when (error is FormatException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody { get; } = canHaveBody;
    }
}
