using System.Text.Json.Nodes;

namespace CertTrustBot.Tests.Cards;

/// <summary>
/// What Teams needs of a bot card, checked by hand: schema 1.5, element and action types 1.5 knows, required
/// properties, enumerated values spelled right, unique input ids, and no template syntax left over.
/// Returns the problems found, each with its JSON path.
/// </summary>
internal static class AdaptiveCardRules
{
    private static readonly HashSet<string> ElementTypes =
    [
        "TextBlock", "Image", "Media", "RichTextBlock", "Container", "ColumnSet", "FactSet", "ImageSet", "ActionSet", "Table",
        "Input.Text", "Input.Number", "Input.Date", "Input.Time", "Input.Toggle", "Input.ChoiceSet",
    ];

    private static readonly HashSet<string> ActionTypes =
        ["Action.OpenUrl", "Action.Submit", "Action.ShowCard", "Action.ToggleVisibility", "Action.Execute"];

    private static readonly Dictionary<string, HashSet<string>> Enumerations = new()
    {
        ["color"] = ["default", "dark", "light", "accent", "good", "warning", "attention"],
        ["weight"] = ["default", "lighter", "bolder"],
        ["size"] = ["default", "small", "medium", "large", "extraLarge", "auto", "stretch"],
        ["spacing"] = ["default", "none", "small", "medium", "large", "extraLarge", "padding"],
        ["fontType"] = ["default", "monospace"],
        ["horizontalAlignment"] = ["left", "center", "right"],
        ["associatedInputs"] = ["auto", "none"],
    };

    private static readonly HashSet<string> ContainerStyles = ["default", "emphasis", "good", "attention", "warning", "accent"];
    private static readonly HashSet<string> BooleanProperties = ["wrap", "isSubtle", "isMultiSelect", "separator", "bleed", "isVisible", "isRequired", "isMultiline"];

    public static IReadOnlyList<string> Problems(JsonObject card)
    {
        var problems = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        CheckCard(card, "$", topLevel: true, problems, ids);
        LeftoverTemplateSyntax(card, "$", problems);
        return problems;
    }

    private static void CheckCard(JsonObject card, string path, bool topLevel, List<string> problems, HashSet<string> ids)
    {
        if (Text(card, "type") != "AdaptiveCard")
            problems.Add($"{path}: type must be AdaptiveCard");
        if (topLevel && Text(card, "version") != "1.5")
            problems.Add($"{path}: version must be 1.5 (Teams renders 1.5 and earlier), was {card["version"]?.ToJsonString() ?? "missing"}");
        if (card["body"] is { } body)
            Elements(body, $"{path}.body", problems, ids);
        if (card["actions"] is { } actions)
            Actions(actions, $"{path}.actions", problems, ids);
    }

    private static void Elements(JsonNode node, string path, List<string> problems, HashSet<string> ids)
    {
        if (node is not JsonArray array)
        {
            problems.Add($"{path}: must be an array");
            return;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject element)
                Element(element, $"{path}[{i}]", problems, ids);
            else
                problems.Add($"{path}[{i}]: must be an object");
        }
    }

    private static void Element(JsonObject e, string path, List<string> problems, HashSet<string> ids)
    {
        var type = Text(e, "type");
        if (type is null || !ElementTypes.Contains(type))
        {
            problems.Add($"{path}: element type '{type}' is not an Adaptive Card 1.5 element");
            return;
        }

        CommonProperties(e, path, problems);
        if (type.StartsWith("Input.", StringComparison.Ordinal))
        {
            if (Text(e, "id") is not { Length: > 0 } id)
                problems.Add($"{path}: {type} needs an id");
            else if (!ids.Add(id))
                problems.Add($"{path}: input id '{id}' is used twice");
        }

        switch (type)
        {
            case "TextBlock":
                Require(e, "text", path, problems);
                OneOf(e, "style", ["default", "heading"], path, problems);
                break;
            case "Image":
                Require(e, "url", path, problems);
                break;
            case "Container":
                Elements(e["items"] ?? new JsonArray(), $"{path}.items", problems, ids);
                OneOf(e, "style", ContainerStyles, path, problems);
                break;
            case "ColumnSet":
                if (e["columns"] is JsonArray columns)
                {
                    for (var i = 0; i < columns.Count; i++)
                    {
                        var column = columns[i] as JsonObject;
                        if (column is null || Text(column, "type") != "Column")
                        {
                            problems.Add($"{path}.columns[{i}]: must be a Column");
                            continue;
                        }

                        OneOf(column, "style", ContainerStyles, $"{path}.columns[{i}]", problems);
                        Elements(column["items"] ?? new JsonArray(), $"{path}.columns[{i}].items", problems, ids);
                    }
                }

                break;
            case "FactSet":
                if (e["facts"] is not JsonArray facts)
                {
                    problems.Add($"{path}: FactSet needs facts");
                    break;
                }

                for (var i = 0; i < facts.Count; i++)
                {
                    if (facts[i] is not JsonObject fact || Text(fact, "title") is null || Text(fact, "value") is null)
                        problems.Add($"{path}.facts[{i}]: a fact needs a text title and a text value");
                }

                break;
            case "ActionSet":
                Actions(e["actions"] ?? new JsonArray(), $"{path}.actions", problems, ids);
                break;
            case "Input.Text":
                if (e["maxLength"] is { } maxLength && (maxLength is not JsonValue v || !v.TryGetValue<int>(out _)))
                    problems.Add($"{path}: maxLength must be a number");
                break;
            case "Input.ChoiceSet":
                ChoiceSet(e, path, problems);
                break;
        }
    }

    private static void ChoiceSet(JsonObject e, string path, List<string> problems)
    {
        OneOf(e, "style", ["compact", "expanded", "filtered"], path, problems);
        if (e["choices"] is not JsonArray choices || choices.Count == 0)
        {
            problems.Add($"{path}: Input.ChoiceSet needs choices");
            return;
        }

        var values = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < choices.Count; i++)
        {
            if (choices[i] is not JsonObject choice || Text(choice, "title") is null || Text(choice, "value") is not { } value)
                problems.Add($"{path}.choices[{i}]: a choice needs a text title and a text value");
            else
                values.Add(value);
        }

        if (Text(e, "value") is { Length: > 0 } selected)
        {
            foreach (var one in selected.Split(','))
            {
                if (!values.Contains(one))
                    problems.Add($"{path}: the selected value '{one}' is not among the choices");
            }
        }
    }

    private static void Actions(JsonNode node, string path, List<string> problems, HashSet<string> ids)
    {
        if (node is not JsonArray actions)
        {
            problems.Add($"{path}: must be an array");
            return;
        }

        for (var i = 0; i < actions.Count; i++)
        {
            var a = actions[i] as JsonObject;
            var at = $"{path}[{i}]";
            var type = a is null ? null : Text(a, "type");
            if (a is null || type is null || !ActionTypes.Contains(type))
            {
                problems.Add($"{at}: action type '{type}' is not an Adaptive Card 1.5 action");
                continue;
            }

            if (Text(a, "title") is not { Length: > 0 })
                problems.Add($"{at}: an action needs a title");
            OneOf(a, "style", ["default", "positive", "destructive"], at, problems);
            CommonProperties(a, at, problems);
            switch (type)
            {
                case "Action.OpenUrl":
                    Require(a, "url", at, problems);
                    break;
                case "Action.ShowCard":
                    if (a["card"] is JsonObject card)
                        CheckCard(card, $"{at}.card", topLevel: false, problems, ids);
                    else
                        problems.Add($"{at}: Action.ShowCard needs a card");
                    break;
                case "Action.Submit":
                    if (a["data"] is { } data && data is not JsonObject)
                        problems.Add($"{at}: Submit data should be an object, so Teams merges the inputs into it");
                    if (a["data"] is JsonObject d && Text(d, "action") is not { Length: > 0 })
                        problems.Add($"{at}: Submit data needs an action");
                    break;
            }
        }
    }

    private static void CommonProperties(JsonObject o, string path, List<string> problems)
    {
        foreach (var (name, allowed) in Enumerations)
            OneOf(o, name, allowed, path, problems);
        foreach (var name in BooleanProperties)
        {
            if (o[name] is { } value && (value is not JsonValue v || !v.TryGetValue<bool>(out _)))
                problems.Add($"{path}: {name} must be true or false");
        }
    }

    private static void OneOf(JsonObject o, string name, HashSet<string> allowed, string path, List<string> problems)
    {
        if (o[name] is null)
            return;
        if (Text(o, name) is not { } value || !allowed.Contains(value))
            problems.Add($"{path}: {name} '{o[name]?.ToJsonString()}' is not one of {string.Join(", ", allowed)}");
    }

    private static void Require(JsonObject o, string name, string path, List<string> problems)
    {
        if (Text(o, name) is not { Length: > 0 })
            problems.Add($"{path}: {Text(o, "type")} needs a non-empty {name}");
    }

    private static void LeftoverTemplateSyntax(JsonNode? node, string path, List<string> problems)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key is "$data" or "$when")
                        problems.Add($"{path}.{key}: template keyword left in the card");
                    LeftoverTemplateSyntax(value, $"{path}.{key}", problems);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    LeftoverTemplateSyntax(a[i], $"{path}[{i}]", problems);
                break;
            case JsonValue v when v.TryGetValue<string>(out var s) && s.Contains("${", StringComparison.Ordinal):
                problems.Add($"{path}: '{s}' still holds template syntax");
                break;
        }
    }

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
