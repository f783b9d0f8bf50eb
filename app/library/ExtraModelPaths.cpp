#include "app/library/ExtraModelPaths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace limner::app {

namespace {

int indentOf(const QString& line) {
    int n = 0;
    while (n < line.size() && (line[n] == QLatin1Char(' ') || line[n] == QLatin1Char('\t')))
        ++n;
    return n;
}

// A comment starts a line or follows a space; '#' inside a word (C#) is text.
QString withoutComment(const QString& line) {
    for (int i = 0; i < line.size(); ++i) {
        if (line[i] == QLatin1Char('#') && (i == 0 || line[i - 1].isSpace()))
            return line.left(i);
    }
    return line;
}

QString unquoted(QString text) {
    text = text.trimmed();
    if (text.size() >= 2 && (text.front() == QLatin1Char('"') || text.front() == QLatin1Char('\'')) &&
        text.back() == text.front())
        return text.mid(1, text.size() - 2);
    return text;
}

// os.path.expandvars + expanduser: $VAR, ${VAR}, %VAR% and a leading "~".
QString expanded(QString path) {
    static const QRegularExpression variable(QStringLiteral(R"(\$\{(\w+)\}|\$(\w+)|%(\w+)%)"));
    QString out;
    qsizetype last = 0;
    for (auto it = variable.globalMatch(path); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        QString name = m.captured(1);
        if (name.isEmpty())
            name = m.captured(2);
        if (name.isEmpty())
            name = m.captured(3);
        out += path.mid(last, m.capturedStart() - last);
        out += qEnvironmentVariableIsSet(name.toLocal8Bit().constData())
                   ? qEnvironmentVariable(name.toLocal8Bit().constData())
                   : m.captured(0);
        last = m.capturedEnd();
    }
    out += path.mid(last);
    if (out == QLatin1String("~") || out.startsWith(QLatin1String("~/")))
        out = QDir::homePath() + out.mid(1);
    return out;
}

QString resolved(const QString& path, const QString& against) {
    const QString p = expanded(path);
    return QDir::cleanPath(QDir::isAbsolutePath(p) ? p : QDir(against).filePath(p));
}

struct Block {
    QString basePath;
    QList<QPair<QString, QStringList>> entries;
};

void addBlock(const Block& block, const QString& fileFolder, QMap<QString, QStringList>& out) {
    const QString base = block.basePath.isEmpty() ? fileFolder : resolved(block.basePath, fileFolder);
    for (const auto& [type, paths] : block.entries) {
        for (const QString& path : paths) {
            if (!path.trimmed().isEmpty())
                out[type] << resolved(unquoted(path), base);
        }
    }
}

} // namespace

QMap<QString, QStringList> ExtraModelPaths::parse(const QString& text, const QString& fileFolder) {
    QMap<QString, QStringList> out;
    const QStringList lines = text.split(QLatin1Char('\n'));
    Block block;
    bool inBlock = false;
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = withoutComment(lines[i]);
        if (line.trimmed().isEmpty())
            continue;
        const int indent = indentOf(line);
        const int colon = line.indexOf(QLatin1Char(':'), indent);
        if (indent == 0) {
            if (inBlock)
                addBlock(block, fileFolder, out);
            block = Block();
            inBlock = colon > 0;
            continue;
        }
        if (!inBlock || colon < 0)
            continue;
        const QString key = line.mid(indent, colon - indent).trimmed();
        const QString value = line.mid(colon + 1).trimmed();
        QStringList values;
        if (value.startsWith(QLatin1Char('|')) || value.startsWith(QLatin1Char('>'))) {
            // A block scalar: the lines indented deeper than its key, one path each.
            while (i + 1 < lines.size()) {
                const QString next = withoutComment(lines[i + 1]);
                if (!next.trimmed().isEmpty() && indentOf(next) <= indent)
                    break;
                ++i;
                if (!next.trimmed().isEmpty())
                    values << next.trimmed();
            }
        } else {
            values << value;
        }
        if (key == QLatin1String("base_path"))
            block.basePath = unquoted(values.value(0));
        else if (key != QLatin1String("is_default"))
            block.entries.append({key, values});
    }
    if (inBlock)
        addBlock(block, fileFolder, out);
    return out;
}

QMap<QString, QStringList> ExtraModelPaths::read(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    return parse(QString::fromUtf8(file.readAll()), QFileInfo(path).absoluteDir().absolutePath());
}

} // namespace limner::app
