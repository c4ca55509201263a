/// The check page (Vérifier la connexion) and the alerts list.
extension Templates {
    static let check = #"""
    {{> head}}
    <h1>{{chrome.t.checkConnection}}</h1>
    {{> connectionHeader}}
    <section class="check check-{{stateKey}}" id="check">
      <h2>{{words.verdictTitle}} <span class="health health-{{stateKey}}" id="check-state">{{stateLabel}}</span></h2>
      <p class="verdict" id="check-verdict">{{verdict}}</p>
      <ul class="facts-list">
        {{#facts}}<li id="fact-{{id}}">{{text}}{{#link}} <a href="{{.}}" class="fact-link" id="link-{{id}}">→ log</a>{{/link}}</li>{{/facts}}
      </ul>
      <h3>{{words.whatToDo}}</h3>
      <p class="advice" id="check-advice">{{advice}}</p>
    </section>
    <section class="check-chart">
      <h3>{{words.hours48}}</h3>
      <svg class="chart" id="health-chart" viewBox="0 0 {{chartWidth}} {{chartHeight}}" width="{{chartWidth}}" height="{{chartHeight}}" role="img" aria-label="{{words.hours48}}">
        <line x1="0" y1="{{baseline}}" x2="{{chartWidth}}" y2="{{baseline}}" class="axis"/>
        {{#bars}}<g class="hour"><title>{{title}}</title>{{#segments}}<rect x="{{x}}" y="{{y}}" width="10" height="{{height}}" class="{{className}}"/>{{/segments}}{{#label}}<text x="{{x}}" y="{{chartHeight}}" class="day">{{.}}</text>{{/label}}</g>{{/bars}}
      </svg>
      <p class="legend">{{#legend}}<span class="swatch {{className}}"></span>{{/legend}} {{legendText}}</p>
    </section>
    <section class="check-alerts">
      <h3>{{words.alertsTitle}}</h3>
      {{#hasAlerts}}
      <table class="alerts" id="connection-alerts">
        <tbody>
        {{#alerts}}<tr data-alert="{{id}}" class="{{#isOpen}}open{{/isOpen}}"><td>{{raised}}</td><td>{{condition}}</td><td>{{#isOpen}}{{words.open}}{{/isOpen}}{{^isOpen}}{{words.resolved}} {{resolved}}{{/isOpen}}</td><td>{{sent}}</td></tr>{{/alerts}}
        </tbody>
      </table>
      {{/hasAlerts}}
      {{^hasAlerts}}<p class="empty" id="no-alerts">{{words.noAlerts}}</p>{{/hasAlerts}}
      <p class="hint">{{words.settingsHint}}</p>
      <form method="post" action="{{settingsAction}}" id="alert-settings">
        <input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <label><input type="checkbox" name="muted" value="1" id="alert-muted" {{#muted}}checked{{/muted}}> {{words.mute}}</label>
        <label><input type="checkbox" name="degraded" value="1" id="alert-degraded" {{#degraded}}checked{{/degraded}}> {{words.alertDegraded}}</label>
        <button type="submit" id="alert-settings-save">{{words.save}}</button>
      </form>
    </section>
    {{> foot}}
    """#

    static let alerts = #"""
    {{> head}}
    <h1>{{chrome.t.alerts}}</h1>
    {{#hasRows}}
    <table class="alerts" id="alerts">
      <thead><tr><th>{{chrome.t.time}}</th><th>{{chrome.t.app}}</th><th>{{chrome.t.status}}</th><th></th><th></th></tr></thead>
      <tbody>
      {{#rows}}<tr data-alert="{{id}}" class="{{#isOpen}}open{{/isOpen}}">
        <td>{{raised}}</td>
        <td><a href="{{checkURL}}" class="alert-connection">{{connection}}</a></td>
        <td><span class="health health-{{conditionKey}}">{{condition}}</span> {{#isOpen}}<strong class="alert-open">{{words.open}}</strong>{{/isOpen}}{{^isOpen}}{{words.resolved}} {{resolved}}{{/isOpen}}</td>
        <td>{{reason}}</td>
        <td>{{sent}}</td>
      </tr>{{/rows}}
      </tbody>
    </table>
    {{/hasRows}}
    {{^hasRows}}<p class="empty" id="no-alerts">{{words.noAlerts}}</p>{{/hasRows}}
    {{> foot}}
    """#
}
