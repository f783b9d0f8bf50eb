#pragma once

#include <QDialog>
#include <QString>

class QTabWidget;

namespace limner::ui {

// Edit ▸ Preferences: one tab per page. Pages save their own values in the settings the moment
// they change (there is no OK or Cancel to remember), and tell the window through their own
// signals, so a change takes effect at once. Adding a page is one call:
//
//   dialog->addPage(new ModelsPage(client), tr("Models"));
//
// Requirements: GUI thread.
class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget* parent = nullptr);

    // Adds page as the last tab and takes ownership of it; returns its index.
    int addPage(QWidget* page, const QString& title);
    int pageCount() const;
    QWidget* page(int index) const;
    // Brings the page with that title to the front; false when there is none.
    bool showPage(const QString& title);

private:
    QTabWidget* m_tabs;
};

} // namespace limner::ui
