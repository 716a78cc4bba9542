using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CertTrustBot.Cards;

/// <summary>
/// The Adaptive Card templates of <c>cards/*.json</c>, filled with data by a small subset of the Adaptive Cards
/// Templating language:
/// <list type="bullet">
/// <item><c>${path.to.value}</c> in any string; a string that is exactly one <c>${...}</c> takes the value's JSON type.</item>
/// <item><c>"$data": "${array}"</c> on an element repeats it for each item (inside, paths are relative to the item;
/// <c>$root</c>, <c>$index</c> and <c>$data</c> work as in the real language); on an object it changes the scope.</item>
/// <item><c>"$when": "${expression}"</c> drops the element when false.</item>
/// <item>Expressions: paths, literals (<c>'text'</c>, numbers, <c>true</c>, <c>false</c>, <c>null</c>),
/// <c>!x</c>, <c>not(x)</c>, <c>equals(a, b)</c>, <c>empty(x)</c>, <c>count(x)</c>, <c>contains(list, x)</c>.</item>
/// </list>
/// A path the data does not have is a template bug and throws <see cref="CardTemplateException"/>, so that the card
/// test catches it; a null value renders as an empty string.
/// <para>
/// Where Teams renders Markdown (a TextBlock's <c>text</c>, a fact's <c>title</c> and <c>value</c>), every data string
/// is put in escaped (<see cref="Markdown.Literal"/>), unless it is a <see cref="MarkdownText"/>: the template's own
/// words may use Markdown, the data's show literally. Escaping here, at the one point every card goes through, rather
/// than in each card's builder, means a new card or field cannot forget it; and only here is it known whether a value
/// lands in text (escaped) or in an action's data, a URL or an input's value (kept as it is).
/// </para>
/// <para>
/// Slack's Block Kit templates (<c>cards/slack/{name}.json</c>, <see cref="RenderSlack"/>) are filled the same way; there
/// the text of a <c>mrkdwn</c> text object is Slack mrkdwn, where data strings go through
/// <see cref="SlackMarkdown.Literal"/> and the bot's own <see cref="MarkdownText"/> is translated
/// (<see cref="SlackMarkdown.FromMarkdown"/>); in a <c>plain_text</c> object a <see cref="MarkdownText"/> loses its markup.
/// </para>
/// </summary>
public sealed class CardTemplates
{
    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Func<string, string?> _readTemplate;
    private readonly ConcurrentDictionary<string, JsonNode> _cache = new(StringComparer.Ordinal);

    private CardTemplates(Func<string, string?> readTemplate) => _readTemplate = readTemplate;

    /// <summary>Templates read (lazily, then cached) from <c>{directory}/{name}.json</c>.</summary>
    public static CardTemplates FromDirectory(string directory) =>
        new(name =>
        {
            var path = Path.Combine(directory, name + ".json");
            return File.Exists(path) ? File.ReadAllText(path) : null;
        });

    /// <summary>Templates given as JSON text by name (tests).</summary>
    public static CardTemplates FromJson(IReadOnlyDictionary<string, string> templates) =>
        new(name => templates.TryGetValue(name, out var json) ? json : null);

    /// <summary>The folder (under the card templates) of the Block Kit templates.</summary>
    public const string SlackFolder = "slack";

    /// <summary>Fills the template <paramref name="name"/> with <paramref name="data"/> (serialised with camelCase names).</summary>
    public JsonObject Render(string name, object data) => Render(name, data, CardDialect.AdaptiveCard);

    /// <summary>Fills the Block Kit template <c>slack/{name}.json</c> with the same data as the Adaptive Card <paramref name="name"/>.</summary>
    public JsonObject RenderSlack(string name, object data) => Render(name, data, CardDialect.Slack);

    /// <summary>Whether <c>slack/{name}.json</c> exists (a card added without its Block Kit template is sent as its summary).</summary>
    public bool HasSlack(string name) =>
        _cache.ContainsKey(SlackFolder + "/" + name) || (name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && _readTemplate(SlackFolder + "/" + name) is not null);

    private JsonObject Render(string name, object data, CardDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(data);
        var template = Load(name, dialect == CardDialect.Slack ? SlackFolder + "/" : "");
        var dataNode = data as JsonNode ?? JsonSerializer.SerializeToNode(data, data.GetType(), DataJson);
        var expanded = Expand(template, dataNode, name, dialect);
        return expanded as JsonObject ?? throw new CardTemplateException($"Card template '{name}' is not a JSON object.");
    }

    /// <summary>Expands a template with data; the template itself is not changed.</summary>
    public static JsonNode? Expand(JsonNode template, JsonNode? data, string templateName = "template", CardDialect dialect = CardDialect.AdaptiveCard)
    {
        ArgumentNullException.ThrowIfNull(template);
        var scope = new Scope(data, data, null, templateName, dialect);
        var results = ExpandNode(template, scope);
        return results.Count switch
        {
            0 => null,
            1 => results[0],
            _ => throw new CardTemplateException($"{templateName}: the top-level element cannot repeat."),
        };
    }

    private JsonNode Load(string name, string folder)
    {
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
            throw new CardTemplateException($"'{name}' is not a card template name.");
        return _cache.GetOrAdd(folder + name, n =>
        {
            var json = _readTemplate(n) ?? throw new CardTemplateException($"There is no card template '{n}'.");
            try
            {
                return JsonNode.Parse(json) ?? throw new CardTemplateException($"Card template '{n}' is empty.");
            }
            catch (JsonException e)
            {
                throw new CardTemplateException($"Card template '{n}' is not valid JSON: {e.Message}", e);
            }
        });
    }

    private sealed record Scope(JsonNode? Data, JsonNode? Root, int? Index, string TemplateName, CardDialect Dialect);

    // Where a template string lands: plain (kept as it is), Markdown text (data escaped), or a list of facts.
    private enum Place
    {
        Plain,
        Markdown,
        Facts,
    }

    // One template node can expand to none (dropped by $when, empty $data array), one, or many (repeated by $data).
    private static List<JsonNode?> ExpandNode(JsonNode? node, Scope scope, Place place = Place.Plain)
    {
        switch (node)
        {
            case JsonObject obj:
                return ExpandObject(obj, scope, isFact: place == Place.Facts);
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    foreach (var expanded in ExpandNode(item, scope, place == Place.Facts ? Place.Facts : Place.Plain))
                        items.Add(expanded);
                }

                return [items];
            case JsonValue value when value.TryGetValue<string>(out var text):
                return [ExpandString(text, scope, place == Place.Markdown)];
            default:
                return [node?.DeepClone()];
        }
    }

    private static List<JsonNode?> ExpandObject(JsonObject obj, Scope scope, bool isFact = false)
    {
        var typeName = obj["type"] is JsonValue type && type.TryGetValue<string>(out var t) ? t : null;
        // Where the text renders as Markdown: a TextBlock's text (Adaptive Cards), a mrkdwn text object's (Block Kit).
        var isTextBlock = scope.Dialect == CardDialect.Slack ? typeName == "mrkdwn" : typeName == "TextBlock";
        isFact &= scope.Dialect == CardDialect.AdaptiveCard;
        var scopes = new List<Scope>();
        if (obj.TryGetPropertyValue("$data", out var dataBinding))
        {
            var bound = dataBinding is JsonValue v && v.TryGetValue<string>(out var expr)
                ? ExpandString(expr, scope)
                : ExpandNode(dataBinding, scope).SingleOrDefault();
            if (bound is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                    scopes.Add(scope with { Data = array[i], Index = i });
            }
            else
            {
                scopes.Add(scope with { Data = bound, Index = null });
            }
        }
        else
        {
            scopes.Add(scope);
        }

        var results = new List<JsonNode?>();
        foreach (var itemScope in scopes)
        {
            if (obj.TryGetPropertyValue("$when", out var when) && !IsTrue(WhenValue(when, itemScope)))
                continue;

            var result = new JsonObject();
            foreach (var (key, value) in obj)
            {
                if (key is "$data" or "$when")
                    continue;
                var place = key switch
                {
                    "text" when isTextBlock => Place.Markdown,
                    "title" or "value" when isFact => Place.Markdown,
                    "facts" => Place.Facts,
                    _ => Place.Plain,
                };
                var expanded = ExpandNode(value, itemScope, place);
                switch (expanded.Count)
                {
                    case 0:
                        break; // a property whose element was dropped by $when
                    case 1:
                        result[key] = expanded[0];
                        break;
                    default:
                        result[key] = new JsonArray([.. expanded]);
                        break;
                }
            }

            results.Add(result);
        }

        return results;
    }

    private static JsonNode? WhenValue(JsonNode? when, Scope scope) =>
        when is JsonValue v && v.TryGetValue<string>(out var text) ? ExpandString(text, scope) : when;

    private static JsonNode? ExpandString(string text, Scope scope, bool markdown = false)
    {
        var start = text.IndexOf("${", StringComparison.Ordinal);
        if (start < 0)
            return JsonValue.Create(text);

        // A string that is exactly one expression keeps the value's type (booleans, numbers, arrays for $data).
        if (start == 0 && FindClose(text, 2) == text.Length - 1)
        {
            var whole = Evaluate(text[2..^1], scope);
            return IsMarkdownText(whole, out _) || (markdown && whole is JsonValue v && v.TryGetValue<string>(out _))
                ? JsonValue.Create(AsText(whole, text, scope, markdown))
                : whole?.DeepClone();
        }

        var builder = new StringBuilder();
        var position = 0;
        while (start >= 0)
        {
            builder.Append(text, position, start - position);
            var close = FindClose(text, start + 2);
            if (close < 0)
                throw new CardTemplateException($"{scope.TemplateName}: unclosed '${{' in \"{text}\".");
            var atLineStart = builder.Length == 0 || builder[^1] is '\n' or '\r';
            builder.Append(AsText(Evaluate(text[(start + 2)..close], scope), text, scope, markdown, atLineStart));
            position = close + 1;
            start = text.IndexOf("${", position, StringComparison.Ordinal);
        }

        builder.Append(text, position, text.Length - position);
        return JsonValue.Create(builder.ToString());
    }

    // The closing brace of an expression, skipping braces inside quoted literals.
    private static int FindClose(string text, int from)
    {
        char? quote = null;
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == quote)
                    quote = null;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '}')
            {
                return i;
            }
        }

        return -1;
    }

    private static string AsText(JsonNode? value, string text, Scope scope, bool markdown, bool atLineStart = true) => value switch
    {
        null => "",
        _ when IsMarkdownText(value, out var own) => scope.Dialect switch
        {
            CardDialect.Slack when markdown => SlackMarkdown.FromMarkdown(own),
            CardDialect.Slack => SlackMarkdown.PlainFromMarkdown(own),
            _ => own,
        },
        JsonValue v when v.TryGetValue<string>(out var s) => !markdown ? s
            : scope.Dialect == CardDialect.Slack ? SlackMarkdown.Literal(s) : Markdown.Literal(s, atLineStart),
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        _ => throw new CardTemplateException($"{scope.TemplateName}: \"{text}\" puts a list or an object inside a text."),
    };

    // A MarkdownText as serialised: {"$markdown": "…"}.
    private static bool IsMarkdownText(JsonNode? value, out string markdown)
    {
        markdown = "";
        return value is JsonObject { Count: 1 } o && o[MarkdownText.Marker] is JsonValue m && m.TryGetValue(out markdown!);
    }

    private static bool IsTrue(JsonNode? value) => value switch
    {
        null => false,
        _ when IsMarkdownText(value, out var markdown) => markdown.Length > 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number =>
            double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) != 0,
        JsonArray a => a.Count > 0,
        _ => true,
    };

    private static JsonNode? Evaluate(string expression, Scope scope)
    {
        var parser = new ExpressionParser(expression, scope);
        var value = parser.ParseExpression();
        parser.ExpectEnd();
        return value;
    }

    // A recursive-descent reader for the small expression subset; evaluates as it reads.
    private sealed class ExpressionParser(string text, Scope scope)
    {
        private int _position;

        public JsonNode? ParseExpression()
        {
            SkipSpaces();
            if (Peek() == '!')
            {
                _position++;
                return JsonValue.Create(!IsTrue(ParseExpression()));
            }

            if (Peek() is '\'' or '"')
                return JsonValue.Create(ReadQuoted());
            if (Peek() is '-' || char.IsAsciiDigit(Peek()))
                return ReadNumber();

            var name = ReadName();
            SkipSpaces();
            if (Peek() == '(')
                return Call(name);
            return name switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                "null" => null,
                _ => ResolvePath(name),
            };
        }

        public void ExpectEnd()
        {
            SkipSpaces();
            if (_position < text.Length)
                throw Error($"unexpected '{text[_position..]}'");
        }

        private JsonValue Call(string function)
        {
            _position++; // (
            var args = new List<JsonNode?>();
            SkipSpaces();
            if (Peek() != ')')
            {
                while (true)
                {
                    args.Add(ParseExpression());
                    SkipSpaces();
                    if (Peek() == ',')
                    {
                        _position++;
                        continue;
                    }

                    break;
                }
            }

            if (Peek() != ')')
                throw Error($"')' expected after the arguments of {function}");
            _position++;

            return (function, args.Count) switch
            {
                ("not", 1) => JsonValue.Create(!IsTrue(args[0])),
                ("equals", 2) => JsonValue.Create(JsonNode.DeepEquals(args[0], args[1])),
                ("empty", 1) => JsonValue.Create(args[0] switch
                {
                    null => true,
                    _ when IsMarkdownText(args[0], out var markdown) => markdown.Length == 0,
                    JsonArray a => a.Count == 0,
                    JsonObject o => o.Count == 0,
                    JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
                    _ => false,
                }),
                // contains('a,b', 'b') or contains(list, item): a comma-joined selection (as Input.ChoiceSet keeps it) or an array.
                ("contains", 2) => JsonValue.Create(args[0] switch
                {
                    JsonArray a => a.Any(item => JsonNode.DeepEquals(item, args[1])),
                    JsonValue v when v.TryGetValue<string>(out var s) && args[1] is JsonValue w && w.TryGetValue<string>(out var wanted) =>
                        s.Split(',', StringSplitOptions.TrimEntries).Contains(wanted, StringComparer.Ordinal),
                    _ => false,
                }),
                ("count", 1) => JsonValue.Create(args[0] switch
                {
                    JsonArray a => a.Count,
                    JsonValue v when v.TryGetValue<string>(out var s) => s.Length,
                    _ => 0,
                }),
                _ => throw Error($"unknown function {function} with {args.Count} argument(s)"),
            };
        }

        private JsonNode? ResolvePath(string path)
        {
            var segments = path.Split('.');
            JsonNode? current;
            var first = 1;
            switch (segments[0])
            {
                case "$root":
                    current = scope.Root;
                    break;
                case "$data":
                    current = scope.Data;
                    break;
                case "$index":
                    if (segments.Length > 1 || scope.Index is null)
                        throw Error("$index is only known inside a repeated element");
                    return JsonValue.Create(scope.Index.Value);
                default:
                    current = scope.Data;
                    first = 0;
                    break;
            }

            for (var i = first; i < segments.Length; i++)
            {
                if (current is not JsonObject obj || !obj.TryGetPropertyValue(segments[i], out var next))
                    throw Error($"the data has no '{string.Join('.', segments[..(i + 1)])}'");
                current = next;
            }

            return current;
        }

        private string ReadName()
        {
            var start = _position;
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] is '_' or '$' or '.'))
                _position++;
            if (start == _position)
                throw Error(_position < text.Length ? $"unexpected '{text[_position]}'" : "an expression is missing");
            return text[start.._position];
        }

        private string ReadQuoted()
        {
            var quote = text[_position++];
            var end = text.IndexOf(quote, _position);
            if (end < 0)
                throw Error("unclosed quote");
            var value = text[_position..end];
            _position = end + 1;
            return value;
        }

        private JsonValue ReadNumber()
        {
            var start = _position++;
            while (_position < text.Length && (char.IsAsciiDigit(text[_position]) || text[_position] == '.'))
                _position++;
            return double.TryParse(text[start.._position], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number)
                : throw Error($"'{text[start.._position]}' is not a number");
        }

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private void SkipSpaces()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
                _position++;
        }

        private CardTemplateException Error(string problem) =>
            new($"{scope.TemplateName}: in ${{{text}}}: {problem}.");
    }
}

/// <summary>Which card language a template is written in, which decides where data strings are escaped and how.</summary>
public enum CardDialect
{
    /// <summary>Adaptive Cards (Teams): TextBlock text and facts render Markdown.</summary>
    AdaptiveCard,

    /// <summary>Slack Block Kit: the text of <c>mrkdwn</c> text objects renders Slack mrkdwn.</summary>
    Slack,
}

/// <summary>A card template is missing, malformed, or asks for data that is not there.</summary>
public sealed class CardTemplateException : Exception
{
    public CardTemplateException(string message)
        : base(message)
    {
    }

    public CardTemplateException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public CardTemplateException()
    {
    }
}
