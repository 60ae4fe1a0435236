package org.biomarkerstreams.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * How {@code --help} reads: descriptions as paragraphs, the command list with each command's whole first sentence,
 * and each command's own options only.
 */
final class HelpText {

    /** The end of a sentence: a full stop before a space or the end, not the one of "e.g." or "i.e.". */
    private static final Pattern SENTENCE_END = Pattern.compile("(?<!\\be\\.g|\\bi\\.e)\\.(?=\\s|$)");

    private HelpText() {}

    /**
     * Joins the lines of a description written as source lines into paragraphs, so that picocli wraps each paragraph
     * at the usage width instead of wrapping every source line on its own (which left short, ragged lines). A line
     * that ends a sentence ({@code .}, {@code :}) or is empty ends a paragraph.
     */
    static String[] paragraphs(String[] lines) {
        List<String> paragraphs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String text = line.strip();
            if (text.isEmpty()) {
                flush(paragraphs, current);
                paragraphs.add("");
                continue;
            }
            if (current.length() > 0) {
                current.append(' ');
            }
            current.append(text);
            if (text.endsWith(".") || text.endsWith(":")) {
                flush(paragraphs, current);
            }
        }
        flush(paragraphs, current);
        return paragraphs.toArray(String[]::new);
    }

    private static void flush(List<String> paragraphs, StringBuilder current) {
        if (current.length() > 0) {
            paragraphs.add(current.toString());
            current.setLength(0);
        }
    }

    /** The first sentence of a description: what the command list shows, whole. */
    static String summary(String[] description) {
        String text = String.join(" ", paragraphs(description)).strip();
        Matcher end = SENTENCE_END.matcher(text);
        return end.find() ? text.substring(0, end.end()) : text;
    }

    /** Descriptions of {@code cli} and every subcommand as paragraphs; the command lists with whole sentences. */
    static void apply(CommandLine cli) {
        UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
        usage.description(paragraphs(usage.description()));
        if (!cli.getSubcommands().isEmpty()) {
            cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, HelpText::commandList);
        }
        for (CommandLine sub : cli.getSubcommands().values()) {
            // Aliases are in the map too; each command once.
            if (sub.getParent() == cli
                    && sub.getCommandName().equals(sub.getCommandSpec().name())) {
                apply(sub);
            }
        }
    }

    /** As picocli's command list, but with each command's header, or else the first sentence of its description. */
    private static String commandList(Help help) {
        Map<String, Help> commands = help.subcommands();
        if (commands.isEmpty()) {
            return "";
        }
        int nameWidth =
                commands.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        int width = help.commandSpec().usageMessage().width();
        Help.TextTable table = Help.TextTable.forColumns(
                help.colorScheme(),
                new Help.Column(nameWidth, 2, Help.Column.Overflow.SPAN),
                new Help.Column(width - nameWidth, 2, Help.Column.Overflow.WRAP));
        for (Map.Entry<String, Help> command : commands.entrySet()) {
            UsageMessageSpec usage = command.getValue().commandSpec().usageMessage();
            String summary = usage.header().length > 0 ? usage.header()[0] : summary(usage.description());
            table.addRowValues(command.getKey(), summary);
        }
        return table.toString();
    }

    /**
     * Hides from {@code command}'s help the options it takes (from a shared mixin) but does not use. They are still
     * accepted, so that one environment of {@code BIOMARKER_*} variables, or one options file, serves every command.
     */
    static void hide(CommandLine command, Set<String> unused) {
        CommandSpec spec = command.getCommandSpec();
        for (OptionSpec option : List.copyOf(spec.options())) {
            if (unused.contains(option.longestName()) && !option.hidden()) {
                spec.remove(option);
                spec.addOption(OptionSpec.builder(option).hidden(true).build());
            }
        }
    }
}
