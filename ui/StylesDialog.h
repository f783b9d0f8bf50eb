#pragma once

#include "app/StylePreset.h"

#include <QDialog>
#include <QList>

class QTableWidget;

namespace limner::ui {

// Edits the list of styles: name, words added to the prompt, words added to the negative
// prompt; rows can be added, removed and the defaults restored. Rows without a name are dropped.
class StylesDialog : public QDialog {
    Q_OBJECT
public:
    explicit StylesDialog(const QList<app::StylePreset>& styles, QWidget* parent = nullptr);

    QList<app::StylePreset> styles() const;
    void setStyles(const QList<app::StylePreset>& styles);
    void addRow(const app::StylePreset& style = {});

private:
    QTableWidget* m_table;
};

} // namespace limner::ui
