#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;

namespace limner::app {
class Document;
}

namespace limner::ui {

// Re-blend: the blend settings of the active layer when it was generated (feather, grow, colour
// match, Poisson), editable after the fact. Every change rebuilds the layer's alpha from the
// pixels it keeps, without generating again; consecutive changes are one undo step.
class ReblendPanel : public QWidget {
    Q_OBJECT
public:
    explicit ReblendPanel(app::Document& document, QWidget* parent = nullptr);

    QSpinBox* featherBox() const { return m_feather; }
    QSpinBox* growBox() const { return m_grow; }

signals:
    void statusMessage(const QString& text);

private:
    void load();
    void apply();

    app::Document& m_document;
    QLabel* m_target;
    QSpinBox* m_feather;
    QSpinBox* m_grow;
    QComboBox* m_colour;
    QCheckBox* m_poisson;
    bool m_loading = false;
};

} // namespace limner::ui
